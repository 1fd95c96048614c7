package org.grokscope.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.grokscope.cli.Main;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import org.grokscope.run.Runner;
import org.grokscope.train.Evaluation;
import org.grokscope.train.TrainListener;
import org.grokscope.train.Trainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium (the README's test command installs it when missing): a run's page gains
 * points while the run trains, a search's page shows a new CDS estimate when a probe ends, both without reloading;
 * markup in names stays text and runs no script; a path out of the served directory is refused.
 */
class DashboardInBrowserTest {
    static final String XSS = "</script><img src=x onerror=alert(1)>";
    static Browser browser;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws Exception {
        browser = Browser.launch(1400, 1000);
    }

    @AfterAll
    static void shut() throws Exception {
        if (browser != null) browser.close();
    }

    static final String BASE = """
            name: live
            task: {op: add, p: 23, train_fraction: 0.5}
            model: {kind: mlp, embed_dim: 16, hidden: 64}
            training: {steps: 20000, eval_every: 10}
            """;

    @Test
    void aRunsPageGainsPointsWhileItTrains() throws Exception {
        Files.writeString(tmp.resolve("live.yaml"), BASE);
        RunConfig cfg = ConfigLoader.load(ConfigLoader.Source.file(tmp.resolve("live.yaml")), List.of());
        Path dir = tmp.resolve("runs/live");
        Files.createDirectories(tmp.resolve("runs"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger evals = new AtomicInteger();
        // paces the run (an evaluation every ~40 ms) so the page sees it mid-way, and ends it when the test is done
        TrainListener pace = new TrainListener() {
            @Override
            public void onEval(Trainer t, Evaluation e) {
                evals.incrementAndGet();
                if (stop.get()) t.requestStop();
                try {
                    Thread.sleep(40);
                } catch (InterruptedException ie) {
                    t.requestStop();
                }
            }
        };
        Thread trainer = new Thread(() -> {
            try {
                Runner.job(cfg, dir).flushEvery(0.2).listen(List.of(pace)).run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        trainer.start();
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("runs")), "127.0.0.1", 0)) {
            Browser.until(() -> Files.exists(dir.resolve("progress.json")), Duration.ofSeconds(60), "the run to start");
            browser.navigate(s.url() + "#/run/0/live");
            String rows = "(+(document.querySelector('[data-chart=acc]') || {dataset: {}}).dataset.rows || 0)";
            browser.waitFor(rows + " > 0", Duration.ofSeconds(30), "the accuracy chart");
            browser.eval("window.__sameDocument = true");
            int first = browser.eval(rows).asInt();
            assertThat(browser.eval("document.querySelector('#run-head .badge').textContent")
                            .asText())
                    .isEqualTo("running");
            browser.waitFor(rows + " >= " + (first + 10), Duration.ofSeconds(60), "new points in the chart");
            assertThat(browser.eval("window.__sameDocument === true").asBoolean())
                    .as("the points came without a reload")
                    .isTrue();
            assertThat(browser.eval("+document.querySelector('[data-chart=loss]').dataset.rows")
                            .asInt())
                    .as("script errors: %s", browser.consoleErrors)
                    .isGreaterThan(first);
            stop.set(true);
            trainer.join(60_000);
            browser.waitFor(
                    "document.querySelector('#run-head .badge').textContent === 'interrupted'",
                    Duration.ofSeconds(30),
                    "the run's end to show");
            assertThat(browser.consoleErrors).isEmpty();
            // an error the page caught and logged counts as one too, not only an uncaught exception
            browser.eval("console.error('dashboard:', String(new Error('a caught fault'))), true");
            long until = System.nanoTime() + 10_000_000_000L;
            while (browser.consoleErrors.isEmpty() && System.nanoTime() < until) Thread.sleep(20);
            assertThat(browser.consoleErrors).singleElement().asString().contains("a caught fault");
            browser.consoleErrors.clear();
        } finally {
            stop.set(true);
            trainer.join(60_000);
        }
    }

    @Test
    void aSearchsPageShowsTheEstimateChangeWhenAProbeEnds() throws Exception {
        Files.writeString(tmp.resolve("base.yaml"), """
                name: search
                task: {op: add, p: 23, test_fraction: 0.3}
                model: {kind: mlp, embed_dim: 16, hidden: 128}
                training: {steps: 1500, eval_every: 25}
                """);
        Path out = tmp.resolve("search");
        Files.createDirectories(out);
        try (DashboardServer s = DashboardServer.start(List.of(out), "127.0.0.1", 0)) {
            // the page is open before the search begins: it waits for the directory to become a search
            browser.navigate(s.url() + "#/sweep/0");
            AtomicInteger code = new AtomicInteger(-1);
            Thread search = new Thread(() -> code.set(Main.execute(
                    "cds",
                    "--config",
                    tmp.resolve("base.yaml").toString(),
                    "--out",
                    out.toString(),
                    "--seeds",
                    "1",
                    "--min",
                    "8",
                    "--growth",
                    "1.6",
                    "--tolerance",
                    "1.05",
                    "--workers",
                    "1")));
            search.start();
            String text = "((document.querySelector('#cds-estimate') || {}).textContent || '')";
            browser.waitFor(text + ".includes('as the search stands')", Duration.ofSeconds(60), "the search's page");
            browser.eval("window.__sameDocument = true");
            String before = browser.eval(text).asText();
            browser.waitFor(
                    text + " !== " + Json.MAPPER.writeValueAsString(before) + " && !(" + text
                            + ").includes('probing n = " + probing(before) + " ')",
                    Duration.ofSeconds(120),
                    "a new estimate after a probe ends (was: " + before + ")");
            String after = browser.eval(text).asText();
            assertThat(after).as("the bracket moved on").containsPattern("(up to|between|already generalizes)");
            assertThat(browser.eval("window.__sameDocument === true").asBoolean())
                    .as("no reload")
                    .isTrue();
            // the run table renders from its own event, which may land after the estimate's: wait for it rather
            // than read it at the moment the estimate changed (read at once, it showed one row on a clean clone)
            browser.waitFor(
                    "document.querySelectorAll('#runs tbody tr').length >= 2",
                    Duration.ofSeconds(30),
                    "the run table's rows of the finished probes");
            // the evidence is drawn as the search goes: final test accuracy against n, one point per finished run
            browser.waitFor(
                    "+((document.querySelector('[data-chart=cds-acc]') || {dataset: {}}).dataset.points || 0) >= 2",
                    Duration.ofSeconds(60),
                    "the accuracy-against-n chart");
            search.join(300_000);
            assertThat(code.get()).isZero();
            assertThat(browser.consoleErrors).isEmpty();
        }
    }

    /**
     * Runs from two served folders on one page: every chart overlays them with the differing setting in the legend;
     * grouping the three seeds of one setting draws one mean curve with a band; the CSV download holds the runs'
     * numbers.
     */
    @Test
    void runsFromTwoFoldersCompareOnOnePageGroupedBySeedAndDownloadAsCsv() throws Exception {
        for (String[] r : new String[][] {
            {"a/wd1-s0", "1.0", "0"}, {"a/wd1-s1", "1.0", "1"}, {"a/wd1-s2", "1.0", "2"}, {"b/wd3-s0", "3.0", "0"}
        })
            assertThat(Main.execute(
                            "train",
                            "--preset",
                            "modadd-mlp",
                            "--set",
                            "task.p=23",
                            "--set",
                            "training.steps=60",
                            "--set",
                            "training.eval_every=10",
                            "--set",
                            "optimizer.weight_decay=" + r[1],
                            "--set",
                            "probes.enabled=false",
                            "--seed",
                            r[2],
                            "--out",
                            tmp.resolve(r[0]).toString()))
                    .isZero();
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("a"), tmp.resolve("b")), "127.0.0.1", 0)) {
            com.fasterxml.jackson.databind.JsonNode home = Json.MAPPER.readTree(
                    DashboardApiTest.get(s.port(), "/api/home").body());
            List<String> ids = new java.util.ArrayList<>();
            home.get("entries").forEach(e -> ids.add(e.get("id").asText()));
            assertThat(ids).hasSize(4);
            String hash = "#/compare/"
                    + String.join(
                            "|",
                            ids.stream()
                                    .map(i -> java.net.URLEncoder.encode(i, java.nio.charset.StandardCharsets.UTF_8)
                                            .replace("+", "%20"))
                                    .toList());
            browser.navigate(s.url() + hash);
            String rows =
                    "(+(document.querySelector('[data-chart=compare-test_acc]') || {dataset: {}}).dataset.rows || 0)";
            browser.waitFor(rows + " > 0", Duration.ofSeconds(30), "the compared accuracy chart");
            assertThat(browser.eval("document.querySelector('#differing').textContent")
                            .asText())
                    .isEqualTo("settings that differ: seed, optimizer.weight_decay");
            assertThat(browser.eval("document.querySelector('#live').textContent")
                            .asText())
                    .as("a snapshot, not a broken stream")
                    .isEqualTo("snapshot");
            String legend = browser.eval(
                            "[...document.querySelectorAll('[data-chart=compare-test_acc] .u-legend .u-label')].map((e) => e.textContent).join('|')")
                    .asText();
            assertThat(legend)
                    .contains("seed=0 optimizer.weight_decay=1")
                    .contains("seed=2 optimizer.weight_decay=1")
                    .contains("seed=0 optimizer.weight_decay=3");
            assertThat(browser.eval("document.querySelectorAll('#compared tbody tr').length")
                            .asInt())
                    .isEqualTo(4);

            browser.eval("document.querySelector('#group-seeds').click()");
            browser.waitFor(
                    "[...document.querySelectorAll('[data-chart=compare-test_acc] .u-legend .u-label')].some((e) => e.textContent.includes('(mean of 3)'))",
                    Duration.ofSeconds(10),
                    "a mean curve over the three seeds");
            String grouped = browser.eval(
                            "[...document.querySelectorAll('[data-chart=compare-test_acc] .u-legend .u-label')].map((e) => e.textContent).join('|')")
                    .asText();
            assertThat(grouped)
                    .contains("optimizer.weight_decay=1 (mean of 3)")
                    .contains("optimizer.weight_decay=3 (mean of 1)");

            browser.eval("document.querySelector('#csv').click()");
            browser.waitFor("!!document.querySelector('#main').dataset.csv", Duration.ofSeconds(10), "the CSV");
            List<String> csv = List.of(browser.eval("document.querySelector('#main').dataset.csv")
                    .asText()
                    .split("\n"));
            assertThat(csv.get(0)).isEqualTo("run,seed,optimizer.weight_decay,step,metric,value");
            // every test accuracy of run b as metrics.csv has it, as numbers
            List<String> metrics = Files.readAllLines(tmp.resolve("b/wd3-s0/metrics.csv"));
            int col = List.of(metrics.get(0).split(",")).indexOf("test_acc");
            List<Double> want = new java.util.ArrayList<>(), got = new java.util.ArrayList<>();
            for (String l : metrics.subList(1, metrics.size())) want.add(Double.parseDouble(l.split(",")[col]));
            for (String l : csv)
                if (l.startsWith("b/wd3-s0,0,3,") && l.contains(",test_acc,"))
                    got.add(Double.parseDouble(l.substring(l.lastIndexOf(',') + 1)));
            assertThat(got).isEqualTo(want);
            assertThat(browser.consoleErrors).isEmpty();
        }
    }

    /**
     * The sweep page's run table sorts by a column (both ways, missing values last) and filters by words and key=value.
     */
    @Test
    void aSweepsRunTableSortsAndFilters() throws Exception {
        Path dir = tmp.resolve("sw");
        DashboardApiTest.sweep(tmp, dir, 30, "0.3, 0.5, 0.7");
        try (DashboardServer s = DashboardServer.start(List.of(dir), "127.0.0.1", 0)) {
            browser.navigate(s.url() + "#/sweep/0");
            browser.waitFor(
                    "document.querySelectorAll('#runs tbody tr').length === 3",
                    Duration.ofSeconds(30),
                    "the run table");
            String ids = "[...document.querySelectorAll('#runs tbody tr')].map((tr) => tr.dataset.id).join(',')";
            String fractions =
                    "[...document.querySelectorAll('#runs tbody tr')].map((tr) => tr.children[2].textContent).join('|')";
            browser.eval(
                    "document.querySelector('#color-by').value = 'task.train_fraction'; document.querySelector('#color-by').dispatchEvent(new Event('change'))");
            browser.eval(
                    "document.querySelector('th[data-sort=params]').click(); document.querySelector('th[data-sort=params]').click()");
            assertThat(browser.eval(fractions).asText())
                    .as("descending by the colour-by axis")
                    .startsWith("task.train_fraction=0.7")
                    .endsWith("task.train_fraction=0.3  seed=0");
            assertThat(browser.eval("document.querySelector('th[data-sort=params]').classList.contains('down')")
                            .asBoolean())
                    .isTrue();
            browser.eval("document.querySelector('th[data-sort=run]').click()");
            assertThat(browser.eval(ids).asText()).isEqualTo("0000,0001,0002");
            browser.eval(
                    "const f = document.querySelector('#runs-filter'); f.value = 'train_fraction=0.5 completed'; f.dispatchEvent(new Event('input'))");
            assertThat(browser.eval(ids).asText()).isEqualTo("0001");
            assertThat(browser.eval("document.querySelector('#runs-count').textContent")
                            .asText())
                    .isEqualTo("1 of 3 runs");
            // the table by setting: one row per swept value, sortable, the final test accuracy as the runs' summaries
            // have it
            assertThat(browser.eval("document.querySelectorAll('#hparams tbody tr').length")
                            .asInt())
                    .isEqualTo(3);
            browser.eval(
                    "[...document.querySelectorAll('#hparams th')].find((th) => th.textContent === 'task.train_fraction').click()");
            browser.eval(
                    "[...document.querySelectorAll('#hparams th')].find((th) => th.textContent === 'task.train_fraction').click()");
            assertThat(browser.eval(
                                    "[...document.querySelectorAll('#hparams tbody tr')].map((tr) => tr.children[0].textContent).join(',')")
                            .asText())
                    .isEqualTo("0.7,0.5,0.3");
            com.fasterxml.jackson.databind.JsonNode runs = Json.MAPPER
                    .readTree(DashboardApiTest.get(s.port(), "/api/sweep?id=0").body())
                    .get("runs");
            double acc03 = 0;
            for (com.fasterxml.jackson.databind.JsonNode r : runs)
                if (r.get("params").get("task.train_fraction").asText().equals("0.3"))
                    acc03 = r.get("final_test_acc").asDouble();
            assertThat(browser.eval("document.querySelector('#hparams tbody tr:last-child').children[3].textContent")
                            .asText())
                    .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f%%", 100 * acc03));
            browser.eval("document.querySelector('#sweep-group-seeds').click()");
            browser.waitFor(
                    "charts.some((c) => c.spec.key === 'sweep-0' && c.spec.series.length === 9 && c.spec.bands.length === 3)",
                    Duration.ofSeconds(10),
                    "one mean curve and band per setting");
            assertThat(browser.eval("charts.find((c) => c.spec.key === 'sweep-0').spec.series[0].label")
                            .asText())
                    .isEqualTo("task.train_fraction=0.3 (mean of 1)");
            browser.eval("document.querySelector('#sweep-group-seeds').click()");
            browser.eval("document.querySelector('.chart button.png').click()"); // the PNG download must not throw
            // SVG of a chart: well-formed, one path per curve that has values, the chart's ticks and legend
            String svgOf =
                    "new DOMParser().parseFromString(charts.find((c) => c.spec.key === 'sweep-0').svgText(), 'image/svg+xml')";
            assertThat(browser.eval(
                                    "(() => { const d = " + svgOf
                                            + "; return d.querySelector('parsererror') ? 'error' : d.documentElement.nodeName; })()")
                            .asText())
                    .isEqualTo("svg");
            assertThat(browser.eval(
                                    "(() => { const c = charts.find((c) => c.spec.key === 'sweep-0'); return " + svgOf
                                            + ".querySelectorAll('path').length"
                                            + " === c.plot.data.slice(1).filter((ys) => ys.some((y) => y !== null && y !== undefined && isFinite(y))).length; })()")
                            .asBoolean())
                    .isTrue();
            assertThat(browser.eval(svgOf + ".querySelectorAll('path').length").asInt())
                    .isPositive();
            assertThat(browser.eval(svgOf + ".querySelectorAll('text').length").asInt())
                    .isGreaterThan(6);
            // markup in a title or a series label stays text
            String marked =
                    "(() => { const c = new Chart(document.body, { key: 'esc-test', title: '<b>t</b> & \\'q\\'', series: [{ label: '<img src=x onerror=alert(1)>', color: '#f00' }] });"
                            + " c.setData([[1, 2, 3], [0.1, 0.5, 0.9]]); const d = new DOMParser().parseFromString(c.svgText(), 'image/svg+xml'); c.box.remove();"
                            + " return [!d.querySelector('parsererror'), d.querySelectorAll('b, img').length, d.querySelector('title').textContent].join('|'); })()";
            assertThat(browser.eval(marked).asText()).isEqualTo("true|0|<b>t</b> & 'q'");
            browser.eval("document.querySelector('.chart button.svg').click()");
            Thread.sleep(300);
            assertThat(browser.consoleErrors).isEmpty();
        }
    }

    @Test
    void aLargeSweepsRunTableComesInPagesAndFilterAndSortSeeEveryRun() throws Exception {
        Path dir = tmp.resolve("big/many");
        Files.createDirectories(dir);
        StringBuilder seeds = new StringBuilder();
        for (int i = 0; i < 205; i++) seeds.append(i == 0 ? "" : ", ").append(i);
        String def = "name: many\nbase: {preset: modadd-mlp}\nset: [\"task.p=11\", \"training.steps=10\"]\nseeds: ["
                + seeds + "]\n";
        var b = ConfigLoader.bind(
                new ConfigLoader.Source("many.yaml", def, false), org.grokscope.sweep.SweepConfig.class);
        List<org.grokscope.sweep.SweepConfig.Point> points = org.grokscope.sweep.SweepConfig.expand(b, null);
        try (org.grokscope.sweep.SweepStore st = new org.grokscope.sweep.SweepStore(dir.resolve("sweep.db"))) {
            st.initSweep(Json.MAPPER.writeValueAsString(b.value()), dir, false);
            st.ensureRuns(points);
            for (var p : points) // finished runs with a summary each (no curves: this is about the table)
            st.finish(
                        p.id(),
                        org.grokscope.sweep.SweepStore.Status.COMPLETED,
                        null,
                        "{\"status\":\"completed\",\"steps\":10,\"final_test_acc\":" + (p.index() / 1000.0) + "}",
                        List.of());
        }
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("big")), "127.0.0.1", 0)) {
            browser.navigate(s.url() + "#/sweep/0/many");
            String rows = "document.querySelectorAll('#runs tbody tr').length";
            browser.waitFor(rows + " > 0", Duration.ofSeconds(30), "the run table");
            assertThat(browser.eval(rows).asInt()).isEqualTo(200);
            assertThat(browser.eval("document.querySelector('#runs-count').textContent")
                            .asText())
                    .isEqualTo("205 runs (the first 200 shown)");
            // sorting sees every run: the best final accuracy (the last run's) comes first
            browser.eval("document.querySelector('#runs th[data-sort=final]').click()");
            browser.eval("document.querySelector('#runs th[data-sort=final]').click()");
            assertThat(browser.eval("document.querySelector('#runs tbody tr').dataset.id")
                            .asText())
                    .isEqualTo("0204");
            browser.eval(
                    "[...document.querySelectorAll('#runs-more button')].find((x) => x.textContent === 'show 5 more').click()");
            assertThat(browser.eval(rows).asInt()).isEqualTo(205);
            assertThat(browser.eval("document.querySelectorAll('#runs-more button').length")
                            .asInt())
                    .isZero();
            // a filter narrows all 205, not the page shown
            browser.eval(
                    "(() => { const f = document.querySelector('#runs-filter'); f.value = 'seed=204'; f.dispatchEvent(new Event('input')); })()");
            assertThat(browser.eval(rows).asInt()).isEqualTo(1);
            assertThat(browser.consoleErrors).isEmpty();
        }
    }

    // the size a page's estimate says is being probed ("" if none)
    private static String probing(String text) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("probing n = ([0-9,]+)").matcher(text);
        return m.find() ? m.group(1) : "-";
    }

    @Test
    void markupInNamesStaysTextAndRunsNothing() throws Exception {
        Path run = DashboardApiTest.fakeRun(tmp.resolve("served/<img src=x onerror=alert(2)>"), XSS, 6);
        Files.writeString(
                run.resolve("config.json"),
                "{\"name\": " + Json.MAPPER.writeValueAsString(XSS) + ", \"description\": "
                        + Json.MAPPER.writeValueAsString("<b onmouseover=alert(3)>bold</b>" + XSS)
                        + ", \"training\": {\"steps\": 1000}}\n");
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("served")), "127.0.0.1", 0)) {
            browser.navigate(s.url());
            browser.waitFor(
                    "document.querySelectorAll('#entries tbody tr').length === 1",
                    Duration.ofSeconds(30),
                    "the home page");
            assertThat(browser.eval("document.querySelector('#entries').textContent")
                            .asText())
                    .contains(XSS)
                    .contains("<img src=x onerror=alert(2)>");
            browser.eval("document.querySelector('#entries tbody a').click()");
            browser.waitFor(
                    "document.querySelector('#run-head h1') && document.querySelector('#config')",
                    Duration.ofSeconds(30),
                    "the run page");
            assertThat(browser.eval("document.querySelector('#run-head h1').textContent")
                            .asText())
                    .isEqualTo(XSS);
            assertThat(browser.eval("document.querySelector('#run-head').textContent")
                            .asText())
                    .contains("<b onmouseover=alert(3)>bold</b>");
            assertThat(browser.eval(
                                    "document.querySelectorAll('img').length + document.querySelectorAll('main b[onmouseover]').length")
                            .asInt())
                    .as("no element was made from the data")
                    .isZero();
            Thread.sleep(500);
            assertThat(browser.dialogs).as("no alert() ran").isEmpty();
        }
    }

    @Test
    void pathsOutOfTheServedDirectoryAreRefused() throws Exception {
        DashboardApiTest.fakeRun(tmp.resolve("served/run"), "x", 3);
        Files.writeString(tmp.resolve("secret.txt"), "the secret");
        try (DashboardServer s = DashboardServer.start(List.of(tmp.resolve("served")), "127.0.0.1", 0)) {
            String base = s.url();
            browser.navigate(base + "files?id=0/../secret.txt");
            browser.waitFor(
                    "document.body && document.body.innerText.includes('refused')",
                    Duration.ofSeconds(20),
                    "a refusal");
            assertThat(browser.eval("document.body.innerText").asText()).doesNotContain("the secret");
            browser.navigate(base + "files?id=0%2Frun%2F..%2F..%2Fsecret.txt");
            browser.waitFor(
                    "document.body && document.body.innerText.includes('refused')",
                    Duration.ofSeconds(20),
                    "a refusal");
            browser.navigate(base + "#/run/0%2F..%2Fsecret.txt");
            browser.waitFor("document.querySelector('#load-error')", Duration.ofSeconds(20), "the page's error");
            assertThat(browser.eval("document.querySelector('#load-error').textContent")
                            .asText())
                    .contains("refused")
                    .doesNotContain("the secret");
        }
    }
}
