package org.grokscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.run.AtomicFiles;
import org.grokscope.run.Checkpoint;
import org.grokscope.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write a run's weights as a safetensors file that PyTorch opens (safetensors.torch.load_file).",
            "Parameters by name, linear weights [in, out] (y = x W + b), conv weights [k, k, in, out] (PyTorch's Conv2d weight permuted (3, 2, 0, 1)), the run's config and step as metadata. Without --step, the run's latest "
                    + "checkpoint; with it, any step the run kept (the latest, and the first memorized and generalized evaluations in checkpoints/)."
        })
public final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR")
    Path dir;

    @Option(names = "--step", paramLabel = "N", description = "which kept checkpoint (default: the latest)")
    Integer step;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "file to write (default: RUN_DIR/model-step-N.safetensors)")
    Path out;

    @Option(
            names = "--with-optimizer",
            description = "also write the optimizer's buffers (optimizer.<buffer>.<parameter>)")
    boolean withOptimizer;

    @Override
    public Integer call() throws Exception {
        TreeMap<Integer, Path> kept = available(dir);
        if (kept.isEmpty())
            throw new ConfigException(
                    dir
                            + ": no checkpoint to export (is this a run directory? runs from before grokscope 0.2 must be resumed once first)");
        int s = step != null ? step : kept.lastKey();
        Path src = kept.get(s);
        if (src == null) throw new ConfigException(dir + ": no checkpoint at step " + s + "; kept: " + kept.keySet());
        Checkpoint.Contents c = Checkpoint.read(src);
        List<Checkpoint.Tensor> ts = new ArrayList<>();
        for (Checkpoint.Tensor t : c.tensors().values())
            if (withOptimizer || !t.name().startsWith(Checkpoint.OPTIMIZER_PREFIX)) ts.add(t);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.remove("format");
        meta.remove("format_version");
        meta.remove("data_sha256");
        if (!withOptimizer) meta.put("contents", "parameters");
        Path file = out != null ? out : dir.resolve("model-step-" + s + ".safetensors");
        AtomicFiles.write(file, Checkpoint.encode(ts, meta));
        long params = 0;
        for (Checkpoint.Tensor t : ts) params += t.size();
        System.out.printf(java.util.Locale.ROOT, "%s: %d tensors, %,d values, step %d%n", file, ts.size(), params, s);
        return 0;
    }

    /** Kept checkpoints by step: the run's latest and its milestones. */
    static TreeMap<Integer, Path> available(Path dir) throws java.io.IOException {
        TreeMap<Integer, Path> kept = new TreeMap<>();
        Path ms = dir.resolve(RunDirectory.MILESTONES);
        if (Files.isDirectory(ms)) {
            try (var s = Files.list(ms)) {
                for (Path p : s.toList()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(".*-step-(\\d+)\\.safetensors")
                            .matcher(p.getFileName().toString());
                    if (m.matches()) kept.put(Integer.parseInt(m.group(1)), p);
                }
            }
        }
        Path latest = dir.resolve(RunDirectory.CHECKPOINT);
        if (Files.exists(latest)) kept.put(Checkpoint.read(latest).step(), latest);
        return kept;
    }
}
