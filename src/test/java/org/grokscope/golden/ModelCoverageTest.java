package org.grokscope.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grokscope.config.Conv;
import org.grokscope.config.Json;
import org.grokscope.config.ModelSpec;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Model;
import org.junit.jupiter.api.Test;

/**
 * Adding a model kind cannot skip its proofs: for every kind the config accepts (read from the sealed spec's
 * annotation, not listed here), each model class it builds must have a finite-difference check (ModelGradientTest or
 * TextModelTest build it), an eNTK check against brute force (NtkGramTest), and a PyTorch golden case (GoldenCases).
 */
class ModelCoverageTest {
    static final Path GRADIENT_TESTS = Path.of("src/test/java/org/grokscope/nn");

    @Test
    void everyModelKindHasGradientEntkAndGoldenCoverage() throws Exception {
        List<String> kinds = Arrays.stream(ModelSpec.class
                        .getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class)
                        .value())
                .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name)
                .toList();
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(6).contains("conv");
        StringBuilder gradientSources = new StringBuilder();
        try (var files = Files.list(GRADIENT_TESTS)) {
            for (Path f : files.filter(p -> p.toString().endsWith("Test.java")).toList())
                gradientSources.append(Files.readString(f));
        }
        List<Class<?>> ntkCovered = new ArrayList<>();
        org.grokscope.probe.NtkGramTest.models().forEach(a -> ntkCovered.add(a.get()[1].getClass()));
        List<String> goldenKinds = new ArrayList<>();
        for (GoldenCases.Case c : GoldenCases.CASES)
            goldenKinds.add(Json.MAPPER.readTree(c.modelJson()).get("kind").asText());
        try (Parallel pool = new Parallel(1)) {
            for (String kind : kinds) {
                ModelSpec spec = Json.MAPPER.readValue("{\"kind\":\"" + kind + "\"}", ModelSpec.class);
                List<Model> built = new ArrayList<>();
                if (!(spec instanceof Conv))
                    built.add(spec.forText() ? spec.build(pool, 13, 6, 2) : spec.build(pool, 13, 3, 11));
                if (spec.forFeatures()) built.add(spec.buildOnFeatures(pool, new float[4 * 8 * 8], 4, 8, 8, 1, 3));
                assertThat(goldenKinds)
                        .as("a PyTorch golden case of kind %s (GoldenCases.CASES)", kind)
                        .contains(kind);
                for (Model m : built) {
                    String name = m.getClass().getSimpleName();
                    assertThat(gradientSources.toString())
                            .as("a finite-difference check that builds %s (kind %s) in %s", name, kind, GRADIENT_TESTS)
                            .contains("new " + name + "(");
                    assertThat(ntkCovered)
                            .as("an eNTK check of %s (kind %s) in NtkGramTest.models()", name, kind)
                            .contains(m.getClass());
                }
            }
        }
    }
}
