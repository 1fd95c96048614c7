package org.grokscope.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The architecture as a rule, so the next capability cannot quietly break it: the engine needs nothing; data
 * needs the engine (its seeded RNG); nn needs the engine; analysis reads numbers only; train runs nn on data;
 * probe measures what train runs; experiment (configs, run directories, sweeps, searches) builds on all of
 * them; report and cli sit on top, and nothing depends on cli. Each package's package-info says the same.
 */
class LayeringTest {
    static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.grokscope");

    @Test
    void dependenciesPointDownTheLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("engine").definedBy("org.grokscope.engine..")
                .layer("data").definedBy("org.grokscope.data..")
                .layer("nn").definedBy("org.grokscope.nn..")
                .layer("analysis").definedBy("org.grokscope.analysis..")
                .layer("train").definedBy("org.grokscope.train..")
                .layer("probe").definedBy("org.grokscope.probe..")
                .layer("experiment").definedBy("org.grokscope.experiment..")
                .layer("report").definedBy("org.grokscope.report..")
                .layer("cli").definedBy("org.grokscope.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("report").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("experiment").mayOnlyBeAccessedByLayers("report", "cli")
                .whereLayer("probe").mayOnlyBeAccessedByLayers("experiment", "report", "cli")
                .whereLayer("train").mayOnlyBeAccessedByLayers("probe", "experiment", "report", "cli")
                .whereLayer("analysis").mayOnlyBeAccessedByLayers("experiment", "report", "cli")
                .whereLayer("nn").mayOnlyBeAccessedByLayers("train", "probe", "experiment", "report", "cli")
                .whereLayer("data").mayOnlyBeAccessedByLayers("train", "probe", "experiment", "report", "cli")
                .check(MAIN);
    }

    @Test
    void theEngineAndTheModelsKnowNothingOfFilesConfigsOrTheCommandLine() {
        noClasses().that().resideInAnyPackage("org.grokscope.engine..", "org.grokscope.nn..", "org.grokscope.train..")
                .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson..", "picocli..", "java.sql..")
                .check(MAIN);
    }
}
