package org.grokscope.sweep;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.RunConfig;
import org.grokscope.config.Training;

/**
 * Staged search for the critical data size, as practitioners are advised to work: grow the training set geometrically
 * until a size generalizes within the step budget, then bisect in log n between the largest failing and the smallest
 * succeeding size until their ratio is within the tolerance. Each probe trains {@code seeds} seeds (a size
 * "generalizes" when at least {@code successFraction} of them reach the generalization threshold); runs stop once
 * generalized. Probes live in the sweep store, so rerunning the same search replays it (it is deterministic) and skips
 * every finished run.
 */
public final class CdsSearch {
    /**
     * @param settle true: a size stops training seeds once its outcome cannot change (two of three agree), the default;
     *     null: every seed at every probed size (what searches did before, and what the fitted CDS's interval across
     *     seeds needs). Left out of the definition when null, so searches started before it existed replay with
     *     {@code --all-seeds}.
     */
    @JsonPropertyOrder({"base", "min_size", "max_size", "growth", "tolerance", "seeds", "success_fraction", "settle"})
    public record Settings(
            RunConfig base,
            int minSize,
            int maxSize,
            double growth,
            double tolerance,
            int seeds,
            double successFraction,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Boolean settle) {
        boolean settles() {
            return Boolean.TRUE.equals(settle);
        }
    }

    /**
     * @param seeds seeds run: a size is decided as soon as its outcome cannot change (two of three seeds agree), so a
     *     probe runs at most {@code planned} and often fewer
     * @param stopped seeds an early verdict stopped (predicted not to generalize) that no continuation has confirmed
     * @param steps training steps the probe took, continuations included (only the steps they added)
     * @param planned the search's seeds per size
     */
    public record Probe(int n, int generalized, int seeds, boolean success, long steps, int stopped, int planned) {
        /**
         * A failure that rests on early verdicts: had the stopped seeds (and the seeds not run) generalized, the size
         * would have succeeded.
         */
        public boolean provisional(double successFraction) {
            return !success
                    && stopped > 0
                    && generalized + stopped + (planned - seeds) >= need(successFraction, planned);
        }
    }

    /** Seeds that must generalize for a size to count as generalizing. */
    static int need(double successFraction, int planned) {
        return (int) Math.ceil(successFraction * planned - 1e-9);
    }

    /**
     * How many more seeds a size must run before its outcome is settled (0: settled): as many as could settle it either
     * way, so a probe never trains a seed whose result cannot change the outcome. Failures include seeds an early
     * verdict stopped (provisional until confirmed). Which seeds run depends only on the outcomes of the seeds before
     * them, so the search stays deterministic.
     */
    static int toSettle(int generalized, int failed, int planned, int need) {
        int failuresToSettle = planned - need + 1;
        if (generalized >= need || failed >= failuresToSettle) return 0;
        return Math.min(need - generalized, failuresToSettle - failed);
    }

    /**
     * {@code exampleSteps*} weigh each step by the examples it processes (min(n, batch size)): a step on 300 examples
     * costs a tenth of one on 3,000, so this is the fair compute comparison with the grid.
     */
    public record Result(
            Integer lastFailing,
            Integer firstSucceeding,
            List<Probe> probes,
            long stepsUsed,
            long gridSteps,
            int gridSizes,
            double exampleStepsUsed,
            double gridExampleSteps) {}

    private CdsSearch() {}

    /** Whether a store's definition is a staged search's (its settings) rather than a grid's. */
    public static boolean isSearch(JsonNode definition) {
        return definition != null
                && definition.has("growth")
                && definition.has("tolerance")
                && definition.has("success_fraction");
    }

    /**
     * Where a search stands, read from its store while it runs: the probes whose seeds have all ended, and the bracket
     * they give (the largest size that failed below the smallest that succeeded); {@code running} is the size being
     * probed now, if any.
     */
    public record Standing(
            Integer lastFailing, Integer firstSucceeding, List<Probe> probes, Integer running, double tolerance) {}

    public static Standing standing(SweepStore.Snapshot snap) throws java.io.IOException {
        JsonNode def = Json.MAPPER.readTree(snap.definition());
        int seeds = def.get("seeds").asInt();
        double sf = def.get("success_fraction").asDouble();
        Map<Integer, List<SweepStore.Row>> byN = new TreeMap<>();
        for (SweepStore.Row r : SweepStore.current(snap.runs())) {
            JsonNode n = Json.MAPPER.readTree(r.params()).get("task.train_count");
            if (n != null)
                byN.computeIfAbsent(n.asInt(), k -> new ArrayList<>()).add(r);
        }
        Map<String, SweepStore.Row> byId = snap.byId();
        List<Probe> probes = new ArrayList<>();
        Integer running = null;
        int need = need(sf, seeds);
        for (Map.Entry<Integer, List<SweepStore.Row>> e : byN.entrySet()) {
            Probe p = tally(e.getKey(), e.getValue(), byId, seeds, sf);
            if (p != null && toSettle(p.generalized(), p.seeds() - p.generalized(), seeds, need) == 0) probes.add(p);
            else running = e.getKey();
        }
        Integer hi = probes.stream()
                .filter(Probe::success)
                .map(Probe::n)
                .min(Integer::compare)
                .orElse(null);
        Integer lo = probes.stream()
                .filter(p -> !p.success() && (hi == null || p.n() < hi))
                .map(Probe::n)
                .max(Integer::compare)
                .orElse(null);
        return new Standing(lo, hi, probes, running, def.get("tolerance").asDouble());
    }

    /**
     * A probe's result from the rows of its seeds (each seed's latest run: a continuation stands for the run it
     * continues), or null while any of them has not ended. The one count that both the search's walk and the standing
     * the dashboard shows use: generalized seeds, seeds an early verdict stopped, and the steps taken (a seed's latest
     * summary counts the steps of the runs it continues too; a continuation without a summary counts its
     * predecessor's).
     */
    static Probe tally(
            int n, List<SweepStore.Row> seedRows, Map<String, SweepStore.Row> byId, int planned, double successFraction)
            throws java.io.IOException {
        int gen = 0, stopped = 0;
        long steps = 0;
        for (SweepStore.Row r : seedRows) {
            if (r.status() != SweepStore.Status.COMPLETED && r.status() != SweepStore.Status.FAILED) return null;
            for (SweepStore.Row q = r; q != null; q = byId.get(continues(q))) {
                if (q.summary() != null) {
                    steps += Json.MAPPER.readTree(q.summary()).path("steps").asLong();
                    break;
                }
            }
            if (r.summary() == null) continue;
            JsonNode sum = Json.MAPPER.readTree(r.summary());
            if (sum.hasNonNull("generalization_step")) gen++;
            else if (stalled(sum)) stopped++;
        }
        return new Probe(n, gen, seedRows.size(), gen >= need(successFraction, planned), steps, stopped, planned);
    }

    /** The id of the run a row continues, or null. */
    private static String continues(SweepStore.Row r) throws java.io.IOException {
        JsonNode c = Json.MAPPER.readTree(r.params()).get(SweepConfig.Point.CONTINUES);
        return c == null ? null : c.asText();
    }

    /** Forces early stopping at the generalization threshold (what the search asks of a run). */
    public static RunConfig searchable(RunConfig c) {
        Training t = c.training();
        Double stop =
                t.stopAtTestAcc() != null ? t.stopAtTestAcc() : c.analysis().generalizationThreshold();
        return new RunConfig(
                c.name(),
                c.description(),
                c.seed(),
                c.task(),
                c.model(),
                c.init(),
                c.optimizer(),
                c.regularization(),
                new Training(
                        t.steps(),
                        t.batchSize(),
                        t.evalEvery(),
                        t.evalBatch(),
                        t.loss(),
                        t.lossPrecision(),
                        stop,
                        Math.max(3, t.stopPatience()),
                        t.threads(),
                        t.fixedNorm(),
                        t.lastBatch()),
                c.analysis(),
                c.probes());
    }

    /** @param split for a probe of n examples, how its seeds execute (runs at a time, engine threads per run, ...) */
    public static Result run(
            Settings s,
            String baseJson,
            Path dir,
            java.util.function.IntFunction<SweepRunner.Execution> split,
            PrintStream out)
            throws Exception {
        Walk w = new Walk(s, baseJson, dir, split, out);
        Map<Integer, Probe> probes = w.probes;
        Integer lo = null, hi = null;
        // stage 1: grow geometrically until a size generalizes
        for (int n = s.minSize(); ; ) {
            if (w.probe(n).success()) {
                hi = n;
                break;
            }
            lo = n;
            if (n >= s.maxSize()) break;
            n = Math.min(s.maxSize(), (int) Math.ceil(n * s.growth()));
        }
        // the first bracket's failing end lies within a growth step below a size that generalizes, where early verdicts
        // err most (runs just below their critical size grok late, long after 25 % of the budget): confirm it before
        // bisecting from it, rather than bisect the wrong interval first
        if (lo != null
                && hi != null
                && probes.get(lo).provisional(s.successFraction())
                && w.confirm(lo).success()) {
            hi = lo;
            lo = w.largestFailingBelow(hi);
        }
        while (true) {
            // stage 2: bisect in log n
            while (lo != null && hi != null && (double) hi / lo > s.tolerance()) {
                int m = (int) Math.round(Math.sqrt((double) lo * hi));
                if (m <= lo || m >= hi) break;
                if (w.probe(m).success()) hi = m;
                else lo = m;
            }
            // the bracket's failing end must not rest on early verdicts: confirm it; if it generalizes after all, it is
            // the new succeeding end, and the search goes on below it
            if (lo == null || !probes.get(lo).provisional(s.successFraction())) break;
            if (!w.confirm(lo).success()) continue;
            hi = lo;
            lo = w.largestFailingBelow(hi);
        }
        long used = probes.values().stream().mapToLong(Probe::steps).sum();
        int batch = s.base().training().batchSize();
        java.util.function.IntToDoubleFunction perStep = n -> batch > 0 ? Math.min(n, batch) : n;
        double usedEx = probes.values().stream()
                .mapToDouble(p -> perStep.applyAsDouble(p.n()) * p.steps())
                .sum();
        // the equivalent grid: sizes from min to max at the search's resolution (ratio = tolerance), every
        // seed run for the whole budget
        int gridSizes = (int) Math.ceil(Math.log((double) s.maxSize() / s.minSize()) / Math.log(s.tolerance())) + 1;
        long grid = (long) gridSizes * s.seeds() * s.base().training().steps();
        double gridEx = 0;
        for (int i = 0; i < gridSizes; i++)
            gridEx += perStep.applyAsDouble((int)
                            Math.min(s.maxSize(), Math.round(s.minSize() * Math.pow(s.tolerance(), i))))
                    * s.seeds()
                    * s.base().training().steps();
        return new Result(lo, hi, new ArrayList<>(probes.values()), used, grid, gridSizes, usedEx, gridEx);
    }

    /**
     * The search's runs: its points in the order it asked for them (so rerunning the same search replays it against the
     * store), the points that stand for each probe's seeds now, and each probe's result.
     */
    private static final class Walk {
        final Settings s;
        final String baseJson, definition;
        final Path dir;
        final java.util.function.IntFunction<SweepRunner.Execution> split;
        final PrintStream out;
        final List<SweepConfig.Point> points = new ArrayList<>();
        final Map<Integer, Probe> probes = new TreeMap<>();
        final Map<Integer, List<Integer>> rowsOf = new java.util.HashMap<>();

        Walk(
                Settings s,
                String baseJson,
                Path dir,
                java.util.function.IntFunction<SweepRunner.Execution> split,
                PrintStream out)
                throws Exception {
            this.s = s;
            this.baseJson = baseJson;
            this.dir = dir;
            this.split = split;
            this.out = out;
            this.definition = Json.MAPPER.writeValueAsString(s);
        }

        Probe probe(int n) throws Exception {
            if (probes.containsKey(n)) return probes.get(n);
            rowsOf.put(n, new ArrayList<>());
            if (out != null && s.settles())
                out.printf(
                        Locale.ROOT,
                        "probe n = %,d (up to %d seeds, settled when %d generalize or %d do not)%n",
                        n,
                        s.seeds(),
                        need(s.successFraction(), s.seeds()),
                        s.seeds() - need(s.successFraction(), s.seeds()) + 1);
            else if (out != null) out.printf(Locale.ROOT, "probe n = %,d (%d seeds)%n", n, s.seeds());
            Probe p = settle(n, false);
            if (out != null)
                out.printf(
                        Locale.ROOT,
                        "  %d of %d seeds generalized%s: %s%n",
                        p.generalized(),
                        p.seeds(),
                        p.stopped() > 0 ? ", " + p.stopped() + " stopped by an early verdict" : "",
                        p.success()
                                ? "generalizes"
                                : p.provisional(s.successFraction())
                                        ? "memorizes only, provisionally (confirmed if it bounds the bracket)"
                                        : "memorizes only");
            probes.put(n, p);
            return p;
        }

        /**
         * Runs seeds of size n, as many at a time as could settle it, until its outcome cannot change. While a size is
         * being confirmed its new seeds run to the budget (no verdict stops them): the point is a definite answer.
         */
        Probe settle(int n, boolean confirming) throws Exception {
            List<Integer> rows = rowsOf.get(n);
            int need = need(s.successFraction(), s.seeds());
            while (true) {
                Probe p = rows.isEmpty() ? null : evaluate(n);
                int more = !s.settles()
                        ? s.seeds() - rows.size()
                        : p == null
                                ? toSettle(0, 0, s.seeds(), need)
                                : toSettle(p.generalized(), p.seeds() - p.generalized(), s.seeds(), need);
                if (more == 0) return p;
                for (int j = 0; j < more; j++) {
                    int k = rows.size();
                    LinkedHashMap<String, String> params = new LinkedHashMap<>();
                    params.put("task.train_count", Integer.toString(n));
                    params.put("seed", Long.toString(k));
                    List<String> sets = new ArrayList<>(List.of(
                            "task.train_count=" + n,
                            "seed=" + k,
                            "name=" + s.base().name() + "-n" + n + "-s" + k));
                    if (confirming) sets.add("probes.stop_when_stalled=false");
                    RunConfig c = ConfigLoader.load(ConfigLoader.Source.text("search base", baseJson), sets);
                    rows.add(points.size());
                    points.add(new SweepConfig.Point(points.size(), params, c));
                }
                SweepRunner.run(definition, points, dir, split.apply(n), out); // progress: runs, steps, accuracies, ETA
            }
        }

        /**
         * The seeds of probe n that an early verdict stopped, trained on from where they stopped to the budget (the
         * same runs as if never stopped: the verdict only ends a run), each as a new point that continues the stopped
         * one.
         */
        Probe confirm(int n) throws Exception {
            List<Integer> rows = rowsOf.get(n);
            Map<String, SweepStore.Row> byId = rows();
            int added = 0;
            for (int j = 0; j < rows.size(); j++) {
                SweepConfig.Point pt = points.get(rows.get(j));
                SweepStore.Row r = byId.get(pt.id());
                if (r.summary() == null || !stalled(Json.MAPPER.readTree(r.summary()))) continue;
                LinkedHashMap<String, String> params = new LinkedHashMap<>(pt.params());
                params.put(SweepConfig.Point.CONTINUES, pt.id());
                RunConfig c = ConfigLoader.load(
                        ConfigLoader.Source.text("search base", ConfigLoader.toJson(pt.config())),
                        List.of("probes.stop_when_stalled=false"));
                rows.set(j, points.size());
                points.add(new SweepConfig.Point(points.size(), params, c));
                added++;
            }
            if (out != null)
                out.printf(
                        Locale.ROOT,
                        "confirming n = %,d: its %d stopped seed%s train on to the budget%n",
                        n,
                        added,
                        added == 1 ? "" : "s");
            SweepRunner.run(definition, points, dir, split.apply(n), out);
            Probe p = settle(
                    n, true); // a stopped seed that generalizes after all can leave the size open: more seeds then
            if (out != null)
                out.printf(
                        Locale.ROOT,
                        "  %d of %d seeds generalized: %s%n",
                        p.generalized(),
                        p.seeds(),
                        p.success() ? "generalizes" : "memorizes only");
            probes.put(n, p);
            return p;
        }

        /**
         * A probe's result from its runs in the store (the count the dashboard's standing makes too: {@link #tally}).
         */
        Probe evaluate(int n) throws Exception {
            Map<String, SweepStore.Row> byId = rows();
            List<SweepStore.Row> seedRows = new ArrayList<>();
            for (int i : rowsOf.get(n)) seedRows.add(byId.get(points.get(i).id()));
            Probe p = seedRows.contains(null) ? null : tally(n, seedRows, byId, s.seeds(), s.successFraction());
            if (p == null) throw new InterruptedException("search interrupted; rerun the same command to continue");
            return p;
        }

        Integer largestFailingBelow(int hi) {
            return probes.values().stream()
                    .filter(p -> !p.success() && p.n() < hi)
                    .map(Probe::n)
                    .max(Integer::compare)
                    .orElse(null);
        }

        private Map<String, SweepStore.Row> rows() throws SQLException {
            try (SweepStore store = SweepStore.readOnly(dir.resolve("sweep.db"))) {
                return store.snapshot().byId();
            }
        }
    }

    /** Whether a run's summary says the early verdict stopped it. */
    private static boolean stalled(JsonNode summary) {
        return org.grokscope.train.Trainer.Status.ofKey(summary.path("status").asText())
                == org.grokscope.train.Trainer.Status.STOPPED_STALLED;
    }
}
