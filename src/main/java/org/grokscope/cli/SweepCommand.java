package org.grokscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.sweep.SweepConfig;
import org.grokscope.sweep.SweepRunner;
import org.grokscope.sweep.SweepStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Run a grid of runs (axes x seeds) into DIR with a resumable SQLite run store (DIR/sweep.db).")
public final class SweepCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "sweep definition (YAML or JSON)")
        Path config;

        @Option(names = "--preset", paramLabel = "NAME", description = "a bundled sweep (see 'grokscope presets')")
        String preset;
    }

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "sweep directory; rerunning the same command resumes it")
    Path out;

    @Option(
            names = "--force",
            description =
                    "when DIR holds this sweep made with other settings (an edited base config or definition), rerun the runs whose config changed instead of refusing")
    boolean force;

    @picocli.CommandLine.Mixin
    ExecutorOptions executor;

    @picocli.CommandLine.Mixin
    ServeOption serve;

    @Option(
            names = "--early-verdicts",
            description =
                    "stop each run once the early-verdict predictor is confident it will not generalize within its budget (status stopped_stalled)")
    boolean earlyVerdicts;

    @Override
    public Integer call() throws Exception {
        ConfigLoader.Bound<SweepConfig> b = ConfigLoader.bind(
                source.config != null
                        ? ConfigLoader.Source.file(source.config)
                        : ConfigLoader.Source.resource("sweeps", source.preset),
                SweepConfig.class);
        List<SweepConfig.Point> points = SweepConfig.expand(
                b,
                source.config != null ? source.config.toAbsolutePath().getParent() : null,
                earlyVerdicts ? List.of("probes.stop_when_stalled=true") : List.of());
        int[] ex = executor.resolve(points, Math.max(1, points.size()));
        int w = ex[0], t = ex[1];
        try (org.grokscope.sweep.RunExecutor runs = executor.executor()) {
            org.grokscope.server.DashboardServer dashboard = serve.start(out, "sweep");
            try {
                return runAndReport(
                        b,
                        points,
                        SweepRunner.Execution.of(w, t)
                                .sharing(executor.threadsPerRun == null)
                                .forcing(force)
                                .flushEvery(serve.flushSeconds())
                                .checkpointEvery(executor.checkpointSeconds)
                                .on(runs));
            } finally {
                if (dashboard != null) ServeOption.finish(dashboard);
            }
        }
    }

    private int runAndReport(ConfigLoader.Bound<SweepConfig> b, List<SweepConfig.Point> points, SweepRunner.Execution x)
            throws Exception {
        SweepRunner.Result r = SweepRunner.run(Json.MAPPER.writeValueAsString(b.value()), points, out, x, System.out);
        try (SweepStore store = new SweepStore(out.resolve("sweep.db"))) {
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %-15s %8s %8s %9s  %s%n",
                    "run",
                    "status",
                    "memorized",
                    "general.",
                    "test acc",
                    "parameters");
            for (SweepStore.Row row : store.runs()) {
                JsonNode s = row.summary() == null ? null : Json.MAPPER.readTree(row.summary());
                // the run's own status where it ended (stopped_early, stopped_stalled, diverged), else the store's
                String status = s != null && s.hasNonNull("status")
                        ? s.get("status").asText()
                        : row.status().name().toLowerCase(java.util.Locale.ROOT);
                System.out.printf(
                        Locale.ROOT,
                        "%-6s %-15s %8s %8s %9s  %s%s%n",
                        row.id(),
                        status,
                        s == null ? "" : s.path("memorization_step").asText("-"),
                        s == null ? "" : s.path("generalization_step").asText("-"),
                        s == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        "%.3f",
                                        s.path("final_test_acc").asDouble()),
                        row.params(),
                        row.error() != null ? "  (" + row.error() + ")" : "");
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%d runs: %d completed, %d failed, %d not finished; %s%n",
                r.total(),
                r.completed(),
                r.failed(),
                r.interrupted(),
                org.grokscope.run.ProgressPrinter.duration(r.wallSeconds()));
        if (r.completed() > 0) {
            List<String> st = org.grokscope.sweep.SweepAnalysis.write(out, b.value());
            for (String s : st) System.out.println("critical data size: " + s);
            if (!st.isEmpty()) System.out.println("details: " + out.resolve("cds.json"));
            String scaling = org.grokscope.sweep.AxisScaling.write(out, b.value());
            if (scaling != null)
                System.out.println("scaling: " + scaling + " (details: " + out.resolve("scaling.json") + ")");
        }
        System.out.println("report: " + org.grokscope.report.SweepReport.write(out));
        return r.interrupted() > 0 ? 130 : 0;
    }
}
