package org.grokscope.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The architecture as a rule, so the next capability cannot quietly break it: the engine needs nothing; data needs the
 * engine (its seeded RNG); nn needs the engine; analysis reads numbers only (the probes use its forecaster); train runs
 * nn on data; probe measures what train runs; config describes a run; run turns a config into a run directory; sweep
 * runs many (grids, staged searches, their store and analyses); reproduce runs a paper's claim as a sweep and reads it;
 * bench times runs; report and server (the live dashboard) sit on top, and nothing depends on cli; spark (the cluster
 * executor, built with -Pspark) is reached only through the service loader. Each package's package-info says the same.
 */
class LayeringTest {
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.grokscope");

    @Test
    void dependenciesPointDownTheLayers() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("engine")
                .definedBy("org.grokscope.engine..")
                .layer("data")
                .definedBy("org.grokscope.data..")
                .layer("nn")
                .definedBy("org.grokscope.nn..")
                .layer("analysis")
                .definedBy("org.grokscope.analysis..")
                .layer("train")
                .definedBy("org.grokscope.train..")
                .layer("probe")
                .definedBy("org.grokscope.probe..")
                .layer("config")
                .definedBy("org.grokscope.config..")
                .layer("run")
                .definedBy("org.grokscope.run..")
                .layer("sweep")
                .definedBy("org.grokscope.sweep..")
                .layer("forecast")
                .definedBy("org.grokscope.forecast..")
                .layer("reproduce")
                .definedBy("org.grokscope.reproduce..")
                .layer("bench")
                .definedBy("org.grokscope.bench..")
                .layer("report")
                .definedBy("org.grokscope.report..")
                .layer("server")
                .definedBy("org.grokscope.server..")
                .optionalLayer("spark")
                .definedBy("org.grokscope.spark..") // compiled only with -Pspark
                .layer("cli")
                .definedBy("org.grokscope.cli..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("spark")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("report")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("server")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("bench")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("forecast")
                .mayOnlyBeAccessedByLayers("report", "cli")
                .whereLayer("reproduce")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("sweep")
                .mayOnlyBeAccessedByLayers("reproduce", "report", "server", "cli", "spark")
                .whereLayer("run")
                .mayOnlyBeAccessedByLayers(
                        "sweep", "forecast", "reproduce", "bench", "report", "server", "cli", "spark")
                .whereLayer("config")
                .mayOnlyBeAccessedByLayers(
                        "run", "sweep", "forecast", "reproduce", "bench", "report", "server", "cli", "spark")
                .whereLayer("probe")
                .mayOnlyBeAccessedByLayers("run", "sweep", "bench", "report", "server", "cli")
                .whereLayer("train")
                .mayOnlyBeAccessedByLayers(
                        "probe",
                        "config",
                        "run",
                        "sweep",
                        "forecast",
                        "reproduce",
                        "bench",
                        "report",
                        "server",
                        "cli",
                        "spark")
                .whereLayer("analysis")
                .mayOnlyBeAccessedByLayers("probe", "run", "sweep", "forecast", "bench", "report", "server", "cli")
                .whereLayer("nn")
                .mayOnlyBeAccessedByLayers(
                        "train", "probe", "config", "run", "sweep", "forecast", "bench", "report", "server", "cli")
                .whereLayer("data")
                .mayOnlyBeAccessedByLayers(
                        "train", "probe", "config", "run", "sweep", "forecast", "bench", "report", "server", "cli")
                .check(MAIN);
    }

    @Test
    void sparkStaysInItsModule() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.grokscope.spark..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "scala..")
                .check(MAIN);
    }

    @Test
    void theEngineAndTheModelsKnowNothingOfFilesConfigsOrTheCommandLine() {
        noClasses()
                .that()
                .resideInAnyPackage("org.grokscope.engine..", "org.grokscope.nn..", "org.grokscope.train..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.fasterxml.jackson..", "picocli..", "java.sql..")
                .check(MAIN);
    }
}
