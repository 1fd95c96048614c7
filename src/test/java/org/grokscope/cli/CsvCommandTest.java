package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grokscope csv: two runs anywhere under a folder, in long format and as a table, named by path, keyed by what differs.
 */
class CsvCommandTest {
    @TempDir
    Path tmp;

    @Test
    void twoRunsBecomeALongTableAndARunTable() throws Exception {
        for (String[] r : new String[][] {{"wd-0.5", "0.5"}, {"wd-2", "2.0"}}) {
            CliTest.Out o = CliTest.cli(
                    "train",
                    "--preset",
                    "modadd-mlp",
                    "--set",
                    "task.p=23",
                    "--set",
                    "training.steps=20",
                    "--set",
                    "training.eval_every=10",
                    "--set",
                    "optimizer.weight_decay=" + r[1],
                    "--set",
                    "probes.enabled=false",
                    "--out",
                    tmp.resolve("runs").resolve(r[0]).toString());
            assertThat(o.code()).as(o.err()).isZero();
        }
        Path out = tmp.resolve("metrics.csv");
        CliTest.Out o = CliTest.cli("csv", tmp.resolve("runs").toString(), "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("run,seed,optimizer.weight_decay,step,metric,value");
        assertThat(lines)
                .contains("wd-0.5,0,0.5,0,lr,"
                        + Files.readAllLines(tmp.resolve("runs/wd-0.5/metrics.csv"))
                                .get(1)
                                .split(",")[1]);
        String[] header =
                Files.readAllLines(tmp.resolve("runs/wd-2/metrics.csv")).get(0).split(",");
        long cells = 0;
        for (String l : Files.readAllLines(tmp.resolve("runs/wd-2/metrics.csv")).subList(1, 4))
            for (String c : l.split(",", -1)) if (!c.isEmpty()) cells++;
        assertThat(lines.stream().filter(l -> l.startsWith("wd-2,")).count())
                .as("one row per non-empty cell but the step")
                .isEqualTo(cells - 3);
        assertThat(header[0]).isEqualTo("step");

        CliTest.Out table = CliTest.cli("csv", tmp.resolve("runs").toString(), "--runs");
        assertThat(table.code()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3);
        assertThat(table.out().lines().toList().get(1)).startsWith("wd-0.5,0,0.5,completed,20,");

        CliTest.Out only = CliTest.cli("csv", tmp.resolve("runs/wd-2").toString(), "--metrics", "test_acc");
        assertThat(only.out().lines().skip(1).toList())
                .hasSize(3)
                .allSatisfy(l -> assertThat(l).startsWith("wd-2,0,").contains(",test_acc,"));
        CliTest.Out bad = CliTest.cli("csv", tmp.resolve("runs").toString(), "--metrics", "nope");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("no run has a column 'nope'");
        CliTest.Out none = CliTest.cli("csv", tmp.toString() + "/nowhere");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no such directory");
    }
}
