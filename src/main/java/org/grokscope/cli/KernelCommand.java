package org.grokscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.Json;
import org.grokscope.config.Modular;
import org.grokscope.config.RunConfig;
import org.grokscope.data.ModularTask;
import org.grokscope.probe.KernelSweep;
import org.grokscope.run.AtomicFiles;
import org.grokscope.run.Experiment;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "kernel",
        mixinStandardHelpOptions = true,
        description = {
            "Score the kernel-regime baseline (the initial eNTK) over training fractions.",
            "Ridgeless regression with the model's initial eNTK on the same nested splits training uses: what a model that never",
            "leaves the kernel regime can reach."
        })
public final class KernelCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    RunSource source;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config value (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--fractions",
            split = ",",
            paramLabel = "F",
            description = "training fractions (default: 0.1,0.2,…,0.9)")
    List<Double> fractions = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);

    @Option(
            names = "--test-samples",
            paramLabel = "N",
            description = "test pairs scored per fraction (default: probes.kernel_test_samples)")
    Integer testSamples;

    @Option(names = "--out", paramLabel = "FILE", description = "write the table as JSON")
    Path out;

    @picocli.CommandLine.Mixin
    ThreadsOption threads;

    static final int MAX_TABLE = 12_000;

    @Override
    public Integer call() throws Exception {
        ConfigLoader.Source src = source.toSource();
        RunConfig cfg = ConfigLoader.load(src, sets);
        for (double f : fractions)
            if (!(f > 0 && f < 1)) throw new ConfigException("--fractions: each must be in (0, 1), got " + f);
        if (testSamples != null && testSamples < 1)
            throw new ConfigException("--test-samples: must be at least 1, got " + testSamples);
        if (out != null && (out.getFileName() == null || java.nio.file.Files.isDirectory(out)))
            throw new ConfigException("--out " + out + ": is a directory; name the JSON file to write");
        if (!(cfg.task() instanceof Modular t))
            throw new ConfigException(
                    src.label() + ": task.kind: the kernel sweep works on modular tasks (it needs the whole table); "
                            + "for text, set probes.kernel_baseline=true on a run to get the Θ0 kernel's test accuracy at that size");
        try (Experiment ex = new Experiment(cfg, threads.resolve(cfg))) {
            ModularTask table = ex.table;
            if (table.size() > MAX_TABLE)
                throw new ConfigException("task.p: the kernel over all " + table.size() + " pairs needs "
                        + (8L * table.size() * table.size() >> 20)
                        + " MiB and a Cholesky factorization of that size; use p <= " + (int) Math.sqrt(MAX_TABLE));
            int samples = testSamples != null ? testSamples : cfg.probes().kernelTestSamples();
            System.out.printf(
                    "%s: (x %s y) mod %d, %s model, alpha %.3g%n",
                    cfg.name(),
                    t.op().key,
                    t.p(),
                    cfg.model().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT),
                    cfg.init().alpha());
            double[] fr =
                    fractions.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            List<KernelSweep.Point> pts = KernelSweep.run(
                    ex.model,
                    ex.pool,
                    table,
                    Experiment.formatOf(cfg),
                    ex.splitSeed,
                    fr,
                    samples,
                    cfg.probes().kernelRidge(),
                    System.out);
            if (out != null) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("config", Json.MAPPER.readTree(ConfigLoader.toJson(cfg)));
                doc.put(
                        "kernel",
                        "initial eNTK of the first output, ridgeless regression (relative ridge "
                                + cfg.probes().kernelRidge() + ")");
                doc.put("points", pts);
                AtomicFiles.writeString(out, Json.MAPPER.writeValueAsString(doc) + "\n");
                System.out.println("written " + out);
            }
        }
        return 0;
    }
}
