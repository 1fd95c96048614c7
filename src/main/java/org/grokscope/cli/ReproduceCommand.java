package org.grokscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.reproduce.Claim;
import org.grokscope.reproduce.Claims;
import org.grokscope.reproduce.Reproduction;
import org.grokscope.sweep.SweepConfig;
import org.grokscope.sweep.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "reproduce",
        mixinStandardHelpOptions = true,
        description =
                "Run a paper's claim with the paper's settings (or its quick form) and print the paper's number beside ours.")
public final class ReproduceCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the claim (see --list)")
    String name;

    @Option(names = "--list", description = "list the claims with their expected wall time on 2 cores")
    boolean list;

    @Option(
            names = "--quick",
            description = "the claim's quick form: smaller than the paper's setting (it says how), about a minute")
    boolean quick;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "sweep directory (default runs/reproduce/NAME, or NAME-quick); rerunning resumes it. "
                    + "With --read, repeat it to read a claim's runs from several sweeps (sittings of their own)")
    List<Path> out = new java.util.ArrayList<>();

    @Option(
            names = "--read",
            description =
                    "only read the runs already in DIR (a sweep still going, or runs made elsewhere); train nothing")
    boolean read;

    @picocli.CommandLine.Mixin
    ExecutorOptions executor;

    @Override
    public Integer call() throws Exception {
        if (list || name == null) {
            if (name == null && !list) throw new ConfigException("give a claim's NAME, or --list to see them");
            System.out.printf(Locale.ROOT, "%-16s %9s %9s  %s%n", "claim", "full", "quick", "paper: claim");
            for (Claim c : Claims.all())
                System.out.printf(
                        Locale.ROOT,
                        "%-16s %9s %9s  %s: %s%n",
                        c.name(),
                        minutes(c.full()),
                        c.quick() == null ? "–" : minutes(c.quick()),
                        c.paper(),
                        c.claim());
            System.out.println("(expected wall time on 2 cores; grokscope reproduce NAME [--quick])");
            return 0;
        }
        Claim claim = Claims.named(name);
        if (quick && claim.quick() == null)
            throw new ConfigException(
                    "claim '" + name + "' has no quick form; run it without --quick (" + minutes(claim.full()) + ")");
        Claim.Form form = quick ? claim.quick() : claim.full();
        if (out.size() > 1 && !read)
            throw new ConfigException("--out: give one directory to run into (several only with --read)");
        Path dir = !out.isEmpty() ? out.get(0) : Path.of("runs", "reproduce", name + (quick ? "-quick" : ""));
        ConfigLoader.Bound<SweepConfig> b = ConfigLoader.bind(Reproduction.source(form.sweep()), SweepConfig.class);
        List<SweepConfig.Point> points = SweepConfig.expand(b, null);
        System.out.println(claim.paper() + ": " + claim.claim());
        System.out.println(
                quick
                        ? "QUICK FORM, not the paper's setting: " + form.note()
                        : "the paper's setting (sweep " + form.sweep() + ")");
        if (read) {
            List<Path> dirs = out.isEmpty() ? List.of(dir) : out;
            for (Path d : dirs)
                if (!java.nio.file.Files.isRegularFile(d.resolve("sweep.db")))
                    throw new ConfigException(d + ": no sweep.db; run the claim first (without --read)");
            List<Reproduction.RowResult> rows = Reproduction.measure(claim, dirs);
            System.out.println();
            System.out.print(Reproduction.table(rows, !quick));
            return 0;
        }
        System.out.printf(Locale.ROOT, "%d runs, about %s on 2 cores, into %s%n", points.size(), minutes(form), dir);
        int[] ex = executor.resolve(points, Math.max(1, points.size()));
        SweepRunner.Result r;
        try (org.grokscope.sweep.RunExecutor runs = executor.executor()) {
            r = SweepRunner.run(
                    Json.MAPPER.writeValueAsString(b.value()),
                    points,
                    dir,
                    SweepRunner.Execution.of(ex[0], ex[1])
                            .sharing(executor.threadsPerRun == null)
                            .checkpointEvery(executor.checkpointSeconds)
                            .on(runs),
                    System.out);
        }
        if (r.completed() > 0) {
            org.grokscope.sweep.SweepAnalysis.write(dir, b.value());
            org.grokscope.sweep.AxisScaling.write(dir, b.value());
        }
        List<Reproduction.RowResult> rows = Reproduction.measure(claim, List.of(dir));
        System.out.println();
        System.out.print(Reproduction.table(rows, !quick));
        if (quick) System.out.println("(quick form: its numbers are not the paper's setting's, so no ratio is given)");
        Reproduction.write(dir, claim, quick, rows);
        System.out.printf(
                Locale.ROOT,
                "%d of %d runs done in %s; details: %s%n",
                r.completed(),
                r.total(),
                org.grokscope.run.ProgressPrinter.duration(r.wallSeconds()),
                dir.resolve("reproduction.json"));
        if (r.completed() > 0) System.out.println("report: " + org.grokscope.report.SweepReport.write(dir));
        return r.interrupted() > 0 ? 130 : r.failed() > 0 ? 1 : 0;
    }

    private static String minutes(Claim.Form f) {
        double m = f.minutes();
        return m < 90 ? String.format(Locale.ROOT, "%.0f min", m) : String.format(Locale.ROOT, "%.1f h", m / 60);
    }
}
