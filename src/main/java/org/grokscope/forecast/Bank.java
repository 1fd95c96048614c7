package org.grokscope.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.grokscope.analysis.Signals;
import org.grokscope.config.ConfigException;
import org.grokscope.config.Json;

/**
 * A labelled bank of runs (a sweep directory such as the forecast-bank preset's, or any folder of run directories): for
 * each finished run its history, what it was (operation, prime, weight decay, optimizer, model) and its label, whether
 * and when it generalized within its step budget.
 */
public final class Bank {
    /**
     * One run of the bank. {@code generalization} is null when the run did not generalize within {@code budget} steps.
     *
     * @param advisedAt the step at which the run's advisor recommended changing the run (its stalled verdict, or
     *     without a forecaster no sign of transition), null if it never did; runs made since these became forecasts
     *     rather than advice never have one
     * @param collapseAdvisedAt the step at which it advised against softmax collapse, null if it never did
     */
    public record Run(
            String id,
            String op,
            int p,
            double weightDecay,
            String optimizer,
            String model,
            int budget,
            Integer memorization,
            Integer generalization,
            Signals.History history,
            Integer advisedAt,
            Integer collapseAdvisedAt) {
        public Run(
                String id,
                String op,
                int p,
                double weightDecay,
                String optimizer,
                String model,
                int budget,
                Integer memorization,
                Integer generalization,
                Signals.History history) {
            this(id, op, p, weightDecay, optimizer, model, budget, memorization, generalization, history, null, null);
        }

        public boolean generalized() {
            return generalization != null;
        }

        public boolean randomLabels() {
            return op.equals("random");
        }
    }

    private Bank() {}

    /** Every finished run under {@code dir} (its runs/ folder when it is a sweep), in name order. */
    public static List<Run> read(Path dir) throws IOException, ConfigException {
        Path root = Files.isDirectory(dir.resolve("runs")) ? dir.resolve("runs") : dir;
        if (!Files.isDirectory(root)) throw new ConfigException(dir + ": not a directory");
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isRegularFile(p.resolve("summary.json"))
                            && Files.isRegularFile(p.resolve("metrics.csv")))
                    .forEach(dirs::add);
        }
        dirs.sort(null);
        List<Run> out = new ArrayList<>();
        for (Path d : dirs) {
            JsonNode cfg = Json.MAPPER.readTree(d.resolve("config.json").toFile()),
                    sum = Json.MAPPER.readTree(d.resolve("summary.json").toFile());
            String status = sum.path("status").asText();
            if (org.grokscope.train.Trainer.Status.ofKey(status) == org.grokscope.train.Trainer.Status.INTERRUPTED)
                continue; // not finished: no label yet
            JsonNode task = cfg.path("task");
            if (!task.path("kind").asText("modular").equals("modular")) continue;
            Signals.History h = history(d.resolve("metrics.csv"), task.path("p").asInt());
            JsonNode gen = sum.get("generalization_step"),
                    mem = sum.get("memorization_step"),
                    adv = sum.path("probes").path("advisor");
            out.add(new Run(
                    d.getFileName().toString(),
                    task.path("op").asText(),
                    task.path("p").asInt(),
                    cfg.path("optimizer").path("weight_decay").asDouble()
                            + cfg.path("regularization").path("l2").asDouble(),
                    cfg.path("optimizer").path("kind").asText(),
                    cfg.path("model").path("kind").asText(),
                    cfg.path("training").path("steps").asInt(),
                    mem == null || mem.isNull() ? null : mem.asInt(),
                    gen == null || gen.isNull() ? null : gen.asInt(),
                    h,
                    step(adv.get("recommended_at")),
                    adv.hasNonNull("softmax_collapse_advice") ? step(adv.get("softmax_collapse_step")) : null));
        }
        if (out.isEmpty())
            throw new ConfigException(dir + ": no finished modular runs (summary.json and metrics.csv) to read");
        return out;
    }

    private static Integer step(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asInt();
    }

    /**
     * metrics.csv as columns, each cell as {@link org.grokscope.run.Metrics#number} reads it (NaN for an empty or text
     * cell, ±∞ for inf).
     */
    static Signals.History history(Path metrics, int p) throws IOException {
        org.grokscope.run.Metrics.Table t = org.grokscope.run.Metrics.readStrict(metrics);
        List<String> header = t.columns();
        int n = t.rows().size();
        int[] step = new int[n];
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int c = 1; c < header.size(); c++) cols.put(header.get(c), new double[n]);
        for (int r = 0; r < n; r++) {
            String[] f = t.rows().get(r);
            step[r] = Integer.parseInt(f[0]);
            for (int c = 1; c < header.size(); c++)
                cols.get(header.get(c))[r] = org.grokscope.run.Metrics.number(c < f.length ? f[c] : "");
        }
        return new Signals.History(step, cols, p);
    }
}
