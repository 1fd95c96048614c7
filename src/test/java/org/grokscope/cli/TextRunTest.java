package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grokscope.config.Json;
import org.grokscope.engine.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text tasks end to end through the command line, on a synthetic sentiment set: a document's label is whether it has
 * more words from a "positive" list than from a "negative" one, among filler words.
 */
class TextRunTest {
    @TempDir
    Path tmp;

    static String corpus(int n, long seed) {
        Rng r = new Rng(seed);
        StringBuilder b = new StringBuilder("id,review,sentiment\n");
        for (int i = 0; i < n; i++) {
            int score = 0, len = 8 + r.nextInt(10);
            StringBuilder d = new StringBuilder();
            for (int t = 0; t < len; t++) {
                int w = r.nextInt(60);
                if (w < 6) {
                    d.append("good").append(w).append(' ');
                    score++;
                } else if (w < 12) {
                    d.append("bad").append(w).append(' ');
                    score--;
                } else d.append("filler").append(w).append(' ');
            }
            if (score == 0) {
                d.append(r.nextInt(2) == 0 ? "good0" : "bad6");
                score = d.toString().endsWith("good0") ? 1 : -1;
            }
            b.append(i)
                    .append(",\"")
                    .append(d.toString().trim())
                    .append("\",")
                    .append(score > 0 ? "pos" : "neg")
                    .append('\n');
        }
        return b.toString();
    }

    Path config(String extra) throws Exception {
        Files.writeString(tmp.resolve("train.csv"), corpus(600, 1));
        Files.writeString(tmp.resolve("test.csv"), corpus(300, 2));
        Path cfg = tmp.resolve("text.yaml");
        Files.writeString(cfg, """
                name: synth
                task: {kind: text, dataset: csv, path: %s, test_path: %s, text_field: review, label_field: sentiment,
                       train_count: 400, test_count: 200, max_len: 24}
                model: {kind: bag, embed_dim: 16, hidden: 32, depth: 1}
                optimizer: {lr: 1.0e-2, weight_decay: 0.1}
                training: {steps: 300, eval_every: 20, threads: 2}
                analysis: {generalization_threshold: 0.9}
                %s
                """.formatted(tmp.resolve("train.csv"), tmp.resolve("test.csv"), extra));
        return cfg;
    }

    @Test
    void aTextRunLearnsWritesItsDataAndRerunsBitForBit() throws Exception {
        System.setProperty("grokscope.cache", tmp.resolve("cache").toString());
        try {
            Path cfg = config("");
            CliTest.Out r = CliTest.cli(
                    "train",
                    "--config",
                    cfg.toString(),
                    "--out",
                    tmp.resolve("a").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("tokenized");
            JsonNode s = Json.MAPPER.readTree(tmp.resolve("a/summary.json").toFile());
            assertThat(s.get("final_test_acc").asDouble()).isGreaterThan(0.9);
            JsonNode data = Json.MAPPER.readTree(tmp.resolve("a/data.json").toFile());
            assertThat(data.get("dataset").asText()).isEqualTo("csv");
            assertThat(data.get("classes").toString()).isEqualTo("[\"neg\",\"pos\"]");
            assertThat(data.get("train_examples").asInt()).isEqualTo(400);
            assertThat(Files.readAllLines(tmp.resolve("a/vocab.txt")))
                    .startsWith("[PAD]", "[UNK]", "[CLS]")
                    .contains("good0", "bad6");
            // the resolved config.json reruns the same metrics from the token cache
            CliTest.Out again = CliTest.cli(
                    "train",
                    "--config",
                    tmp.resolve("a/config.json").toString(),
                    "--out",
                    tmp.resolve("b").toString());
            assertThat(again.code()).isZero();
            assertThat(again.out()).doesNotContain("tokenized");
            assertThat(Files.readString(tmp.resolve("b/metrics.csv")))
                    .isEqualTo(Files.readString(tmp.resolve("a/metrics.csv")));
        } finally {
            System.clearProperty("grokscope.cache");
        }
    }

    @Test
    void badTextInputsGetOneErrorNamingFileLineAndField() throws Exception {
        Path cfg = config("");
        Files.writeString(tmp.resolve("train.csv"), corpus(50, 1) + "99,\"broken, row\",maybe,extra\n");
        CliTest.Out r = CliTest.cli(
                "train",
                "--config",
                cfg.toString(),
                "--out",
                tmp.resolve("x").toString(),
                "--set",
                "task.train_count=10");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains(tmp.resolve("train.csv") + ":52: expected 3 fields, got 4")
                .doesNotContain("\tat ");
        assertThat(tmp.resolve("x")).doesNotExist();
        CliTest.Out skip = CliTest.cli(
                "train",
                "--config",
                cfg.toString(),
                "--out",
                tmp.resolve("y").toString(),
                "--set",
                "task.train_count=10",
                "--set",
                "task.on_bad_row=skip",
                "--set",
                "training.steps=5");
        assertThat(skip.code()).as(skip.err()).isZero();
        assertThat(Json.MAPPER
                        .readTree(tmp.resolve("y/data.json").toFile())
                        .get("rows_skipped_as_malformed")
                        .asInt())
                .isEqualTo(1);

        CliTest.Out mlp = CliTest.cli(
                "train",
                "--config",
                cfg.toString(),
                "--set",
                "model.kind=mlp",
                "--out",
                tmp.resolve("z").toString());
        assertThat(mlp.code()).isEqualTo(2);
        assertThat(mlp.err()).contains("model.kind=mlp: a text task needs a text model: bag or encoder");
        CliTest.Out noPath = CliTest.cli(
                "train",
                "--config",
                cfg.toString(),
                "--set",
                "task.path=null",
                "--out",
                tmp.resolve("z").toString());
        assertThat(noPath.err()).contains("task.path=null: dataset csv needs a path");
        CliTest.Out tooMany = CliTest.cli(
                "train",
                "--config",
                cfg.toString(),
                "--set",
                "task.train_count=5000",
                "--set",
                "task.on_bad_row=skip",
                "--out",
                tmp.resolve("z").toString());
        assertThat(tooMany.code()).isEqualTo(2);
        assertThat(tooMany.err()).contains("task.train_count 5000 is more than the 50 training documents");
    }

    @Test
    void theStagedCdsSearchRunsUnchangedOnText() throws Exception {
        System.setProperty("grokscope.cache", tmp.resolve("cache").toString());
        try {
            Path cfg = config("");
            Path out = tmp.resolve("search");
            CliTest.Out r = CliTest.cli(
                    "cds",
                    "--config",
                    cfg.toString(),
                    "--out",
                    out.toString(),
                    "--seeds",
                    "1",
                    "--min",
                    "8",
                    "--max",
                    "512",
                    "--tolerance",
                    "1.5",
                    "--set",
                    "training.steps=300",
                    "--set",
                    "probes.enabled=false",
                    "--workers",
                    "1");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("critical data size: between");
            JsonNode search =
                    Json.MAPPER.readTree(out.resolve("cds.json").toFile()).get("search");
            int fail = search.get("last_failing_size").asInt(),
                    ok = search.get("first_succeeding_size").asInt();
            assertThat(fail).isLessThan(ok);
            assertThat((double) ok / fail).isLessThanOrEqualTo(1.5);
            assertThat(out.resolve("report.html")).exists();
        } finally {
            System.clearProperty("grokscope.cache");
        }
    }
}
