package org.grokscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.run.Experiment;
import org.grokscope.run.RunDirectory;
import org.grokscope.run.Runner;
import org.grokscope.train.Trainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train one model and write a run directory (config.json, metrics.csv, summary.json, checkpoint.safetensors).")
public final class TrainCommand implements Callable<Integer> {
    static final class Source {
        @Option(
                names = "--preset",
                paramLabel = "NAME",
                description = "a bundled configuration (see 'grokscope presets')")
        String preset;

        @Option(names = "--config", paramLabel = "FILE", description = "a YAML or JSON run configuration")
        Path config;

        @Option(
                names = "--resume",
                paramLabel = "DIR",
                description = "continue an interrupted run directory from its checkpoint")
        Path resume;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "override a config value, e.g. --set optimizer.weight_decay=0.3 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/NAME-TIMESTAMP)")
    Path out;

    @picocli.CommandLine.Mixin
    ThreadsOption threadsOption;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "seed for data split, initialization and batches (same as --set seed=S)")
    Long seed;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    @picocli.CommandLine.Mixin
    ServeOption serve;

    @Override
    public Integer call() throws Exception {
        Integer threads = threadsOption.given();
        boolean resume = source.resume != null;
        if (resume && (!overrides.isEmpty() || seed != null || out != null))
            throw new ConfigException(
                    "--resume continues a run exactly as configured; --set, --seed and --out cannot be combined with it");
        List<String> sets = new ArrayList<>(overrides);
        if (seed != null) sets.add("seed=" + seed);
        ConfigLoader.Source src = resume
                ? ConfigLoader.Source.file(source.resume.resolve(RunDirectory.CONFIG))
                : source.preset != null
                        ? ConfigLoader.Source.preset(source.preset)
                        : ConfigLoader.Source.file(source.config);
        RunConfig cfg = ConfigLoader.load(src, sets);
        Path dir = resume ? source.resume : out != null ? out : defaultDir(cfg.name());
        int n = Experiment.resolveThreads(cfg, threads);
        int asked = threads != null ? threads : cfg.training().threads();
        if (asked > n && !quiet)
            System.out.printf(
                    java.util.Locale.ROOT,
                    "note: %s %d is more than the %d cores of this machine; using %d (results do not depend on the thread count)%n",
                    threads != null ? "--threads" : "training.threads",
                    asked,
                    n,
                    n);
        org.grokscope.server.DashboardServer dashboard = serve.start(dir, "run");
        Runner.Result r;
        try {
            r = Runner.job(cfg, dir)
                    .threads(n)
                    .resume(resume)
                    .flushEvery(serve.flushSeconds())
                    .progress(quiet ? null : System.out, System.console() != null)
                    .command("grokscope train " + String.join(" ", argsForProvenance()))
                    .run();
        } catch (Exception e) {
            if (dashboard != null) dashboard.close();
            throw e;
        }
        if (!quiet) System.out.println(SummaryText.describe(r.summary(), dir));
        ServeOption.finish(dashboard);
        return exitCode(r.outcome().status());
    }

    private List<String> argsForProvenance() {
        List<String> a = new ArrayList<>();
        if (source.preset != null) a.add("--preset " + source.preset);
        if (source.config != null) a.add("--config " + source.config);
        if (source.resume != null) a.add("--resume " + source.resume);
        for (String s : overrides) a.add("--set " + s);
        if (seed != null) a.add("--seed " + seed);
        if (threadsOption.threads != null) a.add("--threads " + threadsOption.threads);
        return a;
    }

    static Path defaultDir(String name) {
        String ts = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path p = Path.of("runs", name + "-" + ts);
        for (int i = 2; Files.exists(p); i++) p = Path.of("runs", name + "-" + ts + "-" + i);
        return p;
    }

    static int exitCode(Trainer.Status s) {
        return switch (s) {
            case COMPLETED, STOPPED_EARLY, STOPPED_STALLED -> 0;
            case INTERRUPTED -> 130;
            case DIVERGED -> 3;
        };
    }
}
