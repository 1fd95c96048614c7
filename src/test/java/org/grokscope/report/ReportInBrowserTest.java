package org.grokscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.grokscope.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep report opened in a real headless Chromium: values from configs, axis lists and error messages that carry
 * markup stay text. (The README's test command installs Chromium from Debian's packages when it is missing; without it
 * this test fails rather than passing unseen.)
 */
public class ReportInBrowserTest {
    static final String PAYLOAD = "<img src=x onerror=document.body.dataset.x=1>";

    @TempDir
    Path tmp;

    public static String chromium() {
        for (String c : List.of("chromium", "chromium-browser", "google-chrome"))
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                if (Files.isExecutable(Path.of(dir, c))) return Path.of(dir, c).toString();
        throw new AssertionError(
                "no headless Chromium on PATH: run the README's test command (bin/test), which installs it from Debian's packages");
    }

    public static String dumpDom(Path html) throws Exception {
        Process p = new ProcessBuilder(
                        chromium(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--virtual-time-budget=5000",
                        "--dump-dom",
                        html.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void markupInAxisValuesAndErrorsStaysText() throws Exception {
        Files.writeString(tmp.resolve("base.yaml"), """
                name: base
                task: {op: add, p: 11, train_fraction: 0.5}
                model: {kind: mlp, embed_dim: 8, hidden: 16}
                training: {steps: 20, eval_every: 10}
                """);
        Files.writeString(
                tmp.resolve("s.yaml"),
                "name: s\nbase: {config: base.yaml}\naxes:\n  description: [\"" + PAYLOAD
                        + "\", plain]\n  optimizer.lr: [1.0e-3]\n");
        Path dir = tmp.resolve("out");
        assertThat(Main.execute("sweep", "--config", tmp.resolve("s.yaml").toString(), "--out", dir.toString()))
                .isZero();
        // a run that failed with markup in its message (a text run whose data path holds it)
        try (org.grokscope.sweep.SweepStore store = new org.grokscope.sweep.SweepStore(dir.resolve("sweep.db"))) {
            store.finish(
                    "0001",
                    org.grokscope.sweep.SweepStore.Status.FAILED,
                    "/data/" + PAYLOAD + ".csv: no such file or directory",
                    null,
                    null);
        }
        assertThat(Main.execute("report", dir.toString())).isZero();
        String dom = dumpDom(dir.resolve("report.html"));
        assertThat(dom).as("the page rendered").contains("grokscope report").contains("<table");
        assertThat(dom).as("no script ran from the data").doesNotContain("data-x=");
        assertThat(dom)
                .as("the payload shows as text, in the groups, the map and the runs")
                .contains("&lt;img src=x onerror=");
        assertThat(dom).as("no element was made from it").doesNotContain("<img src=\"x\"");
        assertThat(dom).contains("failed (/data/&lt;img src=x onerror=");
    }
}
