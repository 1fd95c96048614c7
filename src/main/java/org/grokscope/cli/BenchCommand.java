package org.grokscope.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grokscope.bench.Benchmarks;
import org.grokscope.bench.Neighbours;
import org.grokscope.config.Json;
import org.grokscope.run.AtomicFiles;
import org.grokscope.run.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Time training steps of nanda-p113, modadd-mlp and imdb-paper (on synthetic IMDB-shaped tokens) and the GEMM kernel (medians after warm-up).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default and 0: all cores)")
    Integer threads;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "measured steps per workload (default ${DEFAULT-VALUE})",
            defaultValue = "30")
    int steps;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "warm-up steps per workload (default ${DEFAULT-VALUE})",
            defaultValue = "20")
    int warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Option(
            names = "--only",
            paramLabel = "NAME",
            split = ",",
            description = "run only these: nanda-p113, modadd-mlp, imdb-paper, omnigrok-mnist, conv-fashion, gemm")
    List<String> only;

    @Option(names = "--scaling", description = "also time each training step with 1 thread and print the speed-up")
    boolean scaling;

    @Option(
            names = "--runs",
            paramLabel = "K",
            description = "also time K small runs one after another against all at once (the sweep executor's way)")
    Integer runs;

    @Option(
            names = "--contention",
            paramLabel = "N",
            description =
                    "also time every workload with N busy processes beside it (1 and all threads, quiet first), and print how much slower it gets")
    Integer contention;

    @Option(
            names = "--nice",
            paramLabel = "K",
            defaultValue = "0",
            description =
                    "the busy processes' priority for --contention, -20..19 (default ${DEFAULT-VALUE}; 19 is the lowest, below 0 needs root)")
    int nice;

    @Option(
            names = "--compare",
            paramLabel = "FILE",
            description = "PyTorch results from tools/reference/bench_torch.py: print the ratio table")
    Path compare;

    /** The training-step workloads: presets, timed on synthetic data of their shapes where they read a data set. */
    static final List<String> WORKLOADS =
            List.of("nanda-p113", "modadd-mlp", "imdb-paper", "omnigrok-mnist", "conv-fashion");

    @Override
    public Integer call() throws Exception {
        if (only != null)
            for (String o : only)
                if (!WORKLOADS.contains(o) && !o.equals("gemm"))
                    throw new org.grokscope.config.ConfigException(
                            "--only: unknown workload '" + o + "' (" + String.join(", ", WORKLOADS) + ", gemm)");
        if (steps < 1)
            throw new org.grokscope.config.ConfigException("--steps: at least 1 measured step, got " + steps);
        if (warmup < 0) throw new org.grokscope.config.ConfigException("--warmup: must be >= 0, got " + warmup);
        if (contention != null && contention < 0)
            throw new org.grokscope.config.ConfigException(
                    "--contention: the number of busy processes must be >= 0, got " + contention);
        if (nice < -20 || nice > 19)
            throw new org.grokscope.config.ConfigException("--nice: must be in -20..19, got " + nice);
        int t = ThreadsOption.orAllCores(threads);
        List<Benchmarks.Timing> res = new ArrayList<>();
        List<Benchmarks.Timing[]> quietPairs = new ArrayList<>(); // per workload: {all threads, 1 thread}
        System.out.printf(
                Locale.ROOT,
                "grokscope bench: %d threads, %s (%s), %d-bit vectors, GEMM tile %s, Java %s%n",
                t,
                Provenance.cpuModel(),
                Provenance.cpuIdText(),
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                org.grokscope.engine.Gemm.tile(),
                System.getProperty("java.version"));
        for (String preset : WORKLOADS) {
            if (only != null && !only.contains(preset)) continue;
            Benchmarks.Timing full = print(Benchmarks.step(preset, t, warmup, steps));
            res.add(full);
            if ((scaling || contention != null) && t > 1) {
                Benchmarks.Timing one = print(Benchmarks.step(preset, 1, warmup, steps));
                res.add(one);
                quietPairs.add(new Benchmarks.Timing[] {full, one});
                System.out.printf(
                        Locale.ROOT,
                        "%-24s %9.2fx  (1 -> %d threads)%n",
                        preset + " scaling",
                        one.median() / full.median(),
                        t);
            }
        }
        if (contention != null && contention > 0 && !quietPairs.isEmpty()) res.addAll(contended(quietPairs, t));
        if (runs != null && runs > 1) {
            Benchmarks.Timing r = Benchmarks.concurrentRuns(runs, t, 2000);
            System.out.printf(Locale.ROOT, "%-24s %9.2fx  %s%n", r.name(), r.median(), r.detail());
            res.add(r);
        }
        if (only == null || only.contains("gemm")) {
            res.add(print(Benchmarks.gemm(2048, 2048, 2048, t, 7)));
            res.add(print(Benchmarks.gemm(11490, 128, 512, t, 15)));
        }
        if (compare != null) printComparison(res, Json.MAPPER.readTree(compare.toFile()));
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            Map<String, Object> prov = Provenance.collect(t, "grokscope bench");
            prov.put("gemm_tile", org.grokscope.engine.Gemm.tile());
            if (contention != null) {
                prov.put("contention_processes", contention);
                prov.put("contention_nice", nice);
            }
            doc.put("provenance", prov);
            doc.put("results", res);
            AtomicFiles.writeString(json, Json.MAPPER.writeValueAsString(doc) + "\n");
        }
        return 0;
    }

    /**
     * The same workloads again with busy processes beside them: each at all threads and at one, and a table of the
     * loaded step against the quiet 1-thread step (one core's worth: what N neighbours at nice 0 leave us with N =
     * cores) and against the loaded 1-thread step (more threads must never be slower).
     */
    private List<Benchmarks.Timing> contended(List<Benchmarks.Timing[]> quiet, int t) throws Exception {
        List<Benchmarks.Timing> out = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        try (Neighbours nb = new Neighbours(contention, nice)) {
            System.out.printf(Locale.ROOT, "%nwith %s beside it:%n", nb.describe());
            String suffix = " beside " + contention + " busy at nice " + nice;
            for (Benchmarks.Timing[] q : quiet) {
                String preset = q[0].name();
                Benchmarks.Timing full =
                        print(Benchmarks.renamed(Benchmarks.step(preset, t, warmup, steps), preset + suffix));
                Benchmarks.Timing one = print(
                        Benchmarks.renamed(Benchmarks.step(preset, 1, warmup, steps), preset + " 1 thread" + suffix));
                out.add(full);
                out.add(one);
                rows.add(String.format(
                        Locale.ROOT,
                        "%-14s %10.2f %10.2f %12.2f %12.2f %14.2fx %14.2fx",
                        preset,
                        q[1].median(),
                        q[0].median(),
                        one.median(),
                        full.median(),
                        full.median() / q[1].median(),
                        full.median() / one.median()));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%n%-14s %10s %10s %12s %12s %15s %15s%n",
                "workload",
                "quiet 1t",
                "quiet " + t + "t",
                "loaded 1t",
                "loaded " + t + "t",
                "loaded " + t + "t/quiet 1t",
                "loaded " + t + "t/1t");
        rows.forEach(System.out::println);
        System.out.println("(ms per step, medians; 'loaded' = " + contention + " busy process"
                + (contention == 1 ? "" : "es") + " at nice " + nice
                + ". With one busy process per core a fair scheduler leaves us one core: the loaded " + t
                + "-thread step should be near the quiet 1-thread step)");
        return out;
    }

    private static void printComparison(List<Benchmarks.Timing> ours, com.fasterxml.jackson.databind.JsonNode torch) {
        Map<String, com.fasterxml.jackson.databind.JsonNode> t = new LinkedHashMap<>();
        for (var r : torch.get("results")) t.put(r.get("name").asText(), r);
        var pv = torch.path("provenance");
        System.out.printf(
                Locale.ROOT,
                "%nside by side with PyTorch %s (intra-op threads %s, OMP_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s; measured on %s):%n",
                pv.path("torch_version").asText("?"),
                pv.path("threads").asText("?"),
                pv.path("OMP_NUM_THREADS").asText("unset"),
                pv.path("OPENBLAS_NUM_THREADS").asText("unset"),
                pv.path("OPENBLAS_CORETYPE").asText("not recorded"),
                pv.path("cpu").asText("an unrecorded CPU"));
        System.out.printf(
                Locale.ROOT,
                "%-22s %-20s %12s %12s %10s%n",
                "workload",
                "PyTorch variant",
                "grokscope",
                "PyTorch",
                "ratio");
        for (Benchmarks.Timing o : ours) {
            for (var e : t.entrySet()) {
                String name = e.getKey();
                if (!(name.equals(o.name()) || name.startsWith(o.name() + "-"))) continue;
                double theirs = e.getValue().get("median").asDouble();
                boolean time = o.unit().startsWith("ms");
                double ratio = time ? theirs / o.median() : o.median() / theirs;
                System.out.printf(
                        Locale.ROOT,
                        "%-22s %-20s %9.2f %-2s %9.2f %-2s %8.2fx%s%n",
                        o.name(),
                        e.getValue().path("detail").asText(name).split(",")[0],
                        o.median(),
                        time ? "ms" : "GF",
                        theirs,
                        time ? "ms" : "GF",
                        ratio,
                        time ? " faster" : " of PyTorch");
            }
        }
    }

    private static Benchmarks.Timing print(Benchmarks.Timing r) {
        System.out.printf(
                Locale.ROOT,
                "%-24s %9.2f %-8s (min %.2f, max %.2f, n=%d)  %6.1f GFLOP/s  GCs %d  %s%n",
                r.name(),
                r.median(),
                r.unit(),
                r.min(),
                r.max(),
                r.samples(),
                r.gflops(),
                r.gcCount(),
                r.detail());
        return r;
    }
}
