package org.grokscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Image;
import org.grokscope.config.Modular;
import org.grokscope.config.RunConfig;
import org.grokscope.config.Table;
import org.grokscope.config.Text;
import org.grokscope.data.ModularTask;
import org.grokscope.run.Experiment;
import org.grokscope.sweep.CdsSearch;
import org.grokscope.sweep.SweepAnalysis;
import org.grokscope.sweep.SweepConfig;
import org.grokscope.sweep.SweepRunner;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "cds",
        mixinStandardHelpOptions = true,
        description = {
            "Search for the critical data size in stages, with far fewer runs than a grid.",
            "Grows the training set geometrically until a size generalizes within the step budget, then bisects in log n;",
            "Up to R seeds per probe, each size settled as soon as its outcome cannot change; runs stop once generalized.",
            "Resumable: rerunning the same command skips finished runs. --preset takes a run preset, or a sample-wise sweep",
            "preset (its base run and fixed settings; e.g. cds-modadd-quick)."
        })
public final class CdsCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    RunSource source;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a base config value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "search directory")
    Path out;

    @Option(names = "--min", paramLabel = "N", description = "first training-set size (default: pool / 32)")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "largest size (default: the whole training pool)")
    Integer max;

    @Option(
            names = "--growth",
            paramLabel = "X",
            defaultValue = "2",
            description = "factor between stage-1 sizes (default ${DEFAULT-VALUE})")
    double growth;

    @Option(
            names = "--tolerance",
            paramLabel = "X",
            defaultValue = "1.1",
            description =
                    "stop when largest-failing / smallest-succeeding is within this ratio (default ${DEFAULT-VALUE})")
    double tolerance;

    @Option(
            names = "--seeds",
            paramLabel = "R",
            defaultValue = "3",
            description = "seeds per probed size (default ${DEFAULT-VALUE}); "
                    + "a size stops training seeds once its outcome cannot change (two of three agree)")
    int seeds;

    @Option(
            names = "--all-seeds",
            description =
                    "train every seed at every probed size, even when the others have settled it: costs more, "
                            + "and gives the fitted CDS an interval across seeds (searches from before this option replay with it)")
    boolean allSeeds;

    @Option(
            names = "--success",
            paramLabel = "F",
            defaultValue = "0.5",
            description = "a size generalizes when at least this fraction of its seeds do (default ${DEFAULT-VALUE})")
    double success;

    @picocli.CommandLine.Mixin
    ExecutorOptions executor;

    @picocli.CommandLine.Mixin
    ServeOption serve;

    @Option(
            names = "--early-verdicts",
            description =
                    "stop a run once the early-verdict predictor is confident it will not generalize within the budget "
                            + "(status stopped_stalled, with the probability); such runs count as not generalized")
    boolean earlyVerdicts;

    @Override
    public Integer call() throws Exception {
        List<String> sets = new ArrayList<>(overrides);
        if (earlyVerdicts) sets.add("probes.stop_when_stalled=true");
        RunConfig base = CdsSearch.searchable(source.load(sets, true));
        int pool;
        if (base.task() instanceof Modular t) {
            if (t.testFraction() == null)
                throw new ConfigException(
                        "cds needs a fixed test pool so that every size is tested on the same pairs: add --set task.test_fraction=0.25");
            int total = new ModularTask(t.p(), t.operation(), 0).size();
            pool = total - (int) Math.round(t.testFraction() * total);
        } else if (base.task() instanceof Table tb) {
            pool = org.grokscope.data.table.TableTask.trainingPool(
                    Experiment.tableSettings(tb, tb.splitSeed() != null ? tb.splitSeed() : base.seed()));
        } else if (base.task()
                instanceof Image im) { // the test subset is fixed by the split seed; the pool is the training split
            pool = Experiment.imagePool(im, im.splitSeed() != null ? im.splitSeed() : base.seed());
        } else { // text: likewise
            Text t = (Text) base.task();
            pool = Experiment.textTrainingPool(t, System.out);
        }
        int lo = min != null ? min : Math.max(1, pool / 32), hi = max != null ? max : pool;
        if (lo < 1 || hi > pool || lo >= hi)
            throw new ConfigException(
                    "--min/--max: need 1 <= min < max <= " + pool + " (the training pool), got " + lo + " and " + hi);
        // written as !(valid) so that NaN, which fails every comparison, is refused too
        if (!(growth > 1 && Double.isFinite(growth)))
            throw new ConfigException("--growth: must be a number > 1, got " + growth);
        if (!(tolerance > 1 && Double.isFinite(tolerance)))
            throw new ConfigException("--tolerance: must be a number > 1, got " + tolerance);
        if (seeds < 1) throw new ConfigException("--seeds: must be >= 1, got " + seeds);
        if (!(success > 0 && success <= 1))
            throw new ConfigException("--success: must be a number in (0, 1], got " + success);
        CdsSearch.Settings s =
                new CdsSearch.Settings(base, lo, hi, growth, tolerance, seeds, success, allSeeds ? null : Boolean.TRUE);
        String baseJson = ConfigLoader.toJson(base);
        System.out.printf(
                Locale.ROOT,
                "cds search: sizes %,d..%,d of a %,d-example training pool, x%.3g then bisection to within x%.3g, %d seeds per size, budget %,d steps%n",
                lo,
                hi,
                pool,
                growth,
                tolerance,
                seeds,
                base.training().steps());
        // each probe runs its seeds side by side when its size is small enough (the split is chosen per
        // size: one chosen for the largest size would run every small probe one seed at a time)
        splitFor(baseJson, hi); // validates --workers / --threads-per-run before anything runs
        CdsSearch.Result r;
        try (org.grokscope.sweep.RunExecutor runs = executor.executor()) {
            java.util.function.IntFunction<SweepRunner.Execution> split = n -> {
                try {
                    int[] ex = splitFor(baseJson, n);
                    return SweepRunner.Execution.of(ex[0], ex[1])
                            .sharing(executor.threadsPerRun == null)
                            .flushEvery(serve.flushSeconds())
                            .checkpointEvery(executor.checkpointSeconds)
                            .on(runs);
                } catch (ConfigException e) {
                    throw new IllegalStateException(e);
                }
            };
            org.grokscope.server.DashboardServer dashboard = serve.start(out, "sweep");
            try {
                r = CdsSearch.run(s, baseJson, out, split, System.out);
            } catch (Exception e) {
                if (dashboard != null) dashboard.close();
                throw e;
            }
            finishSearch(r, s, base, dashboard, lo, hi);
        }
        return 0;
    }

    private void finishSearch(
            CdsSearch.Result r,
            CdsSearch.Settings s,
            RunConfig base,
            org.grokscope.server.DashboardServer dashboard,
            int lo,
            int hi)
            throws Exception {
        Map<String, Object> search = new LinkedHashMap<>();
        search.put("last_failing_size", r.lastFailing());
        search.put("first_succeeding_size", r.firstSucceeding());
        search.put(
                "success_rule",
                String.format(
                        Locale.ROOT,
                        "at least %.0f%% of %d seeds reach test accuracy %.3g within %d steps%s",
                        100 * success,
                        seeds,
                        base.training().stopAtTestAcc(),
                        base.training().steps(),
                        s.settle() != null ? "; a size stops training seeds once its outcome cannot change" : ""));
        search.put("probes", r.probes());
        search.put("steps_used", r.stepsUsed());
        search.put("grid_steps", r.gridSteps());
        search.put("example_steps_used", r.exampleStepsUsed());
        search.put("grid_example_steps", r.gridExampleSteps());
        search.put("grid_sizes", r.gridSizes());
        List<String> st = SweepAnalysis.write(out, "task.train_count", Map.of("search", search));
        if (r.firstSucceeding() == null)
            System.out.printf(
                    Locale.ROOT,
                    "no size up to %,d generalized within %,d steps: the CDS is above the pool, or the budget is too small%n",
                    hi,
                    base.training().steps());
        else if (r.lastFailing() == null)
            System.out.printf(
                    Locale.ROOT,
                    "already the smallest size, %,d, generalizes: the CDS is at most %,d (lower --min)%n",
                    lo,
                    lo);
        else
            System.out.printf(
                    Locale.ROOT,
                    "critical data size: between %,d (memorizes) and %,d examples (generalizes)%n",
                    r.lastFailing(),
                    r.firstSucceeding());
        System.out.printf(
                Locale.ROOT,
                "compute: %,d training steps, %.0f%% of the %,d an equivalent grid would take (%d sizes x %d seeds x %,d steps); "
                        + "weighted by the examples each step processes, %.1f%% of the grid's%n",
                r.stepsUsed(),
                100.0 * r.stepsUsed() / r.gridSteps(),
                r.gridSteps(),
                r.gridSizes(),
                seeds,
                base.training().steps(),
                100.0 * r.exampleStepsUsed() / r.gridExampleSteps());
        for (String line : st) System.out.println("all probes: " + line);
        if (s.settle() != null && r.probes().stream().anyMatch(p -> p.seeds() < p.planned()))
            System.out.println(
                    "(sizes stopped training seeds once their outcome was settled, so the fit has fewer seeds at some sizes; "
                            + "--all-seeds trains every seed for an interval across seeds)");
        System.out.println("details: " + out.resolve("cds.json"));
        System.out.println("report: " + org.grokscope.report.SweepReport.write(out));
        ServeOption.finish(dashboard);
    }

    private int[] splitFor(String baseJson, int n) throws ConfigException {
        RunConfig probe =
                ConfigLoader.load(ConfigLoader.Source.text("search base", baseJson), List.of("task.train_count=" + n));
        return executor.resolve(
                java.util.Collections.nCopies(seeds, new SweepConfig.Point(0, new LinkedHashMap<>(), probe)), seeds);
    }
}
