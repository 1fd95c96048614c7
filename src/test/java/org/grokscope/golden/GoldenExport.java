package org.grokscope.golden;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grokscope.config.Json;
import org.grokscope.data.Dataset;
import org.grokscope.engine.Parallel;
import org.grokscope.nn.Model;
import org.grokscope.run.Checkpoint;
import org.grokscope.train.Init;

/**
 * Golden inputs for the checkpoint format, under golden/export/: a model's weights as grokscope writes them
 * (model.safetensors) and its input tokens; tools/reference/export.py opens the file with safetensors.torch.load_file,
 * runs the independent PyTorch model and writes the logits.
 */
public final class GoldenExport {
    public static final List<String> CASES =
            List.of("mlp", "transformer-post-2l", "quadratic-linf", "text-encoder-cls");

    private GoldenExport() {}

    /** The weights file of a case: its initial weights, as a weights-only checkpoint. */
    public static byte[] weights(GoldenCases.Case c, Model m) {
        Init.apply(m.params(), Init.Scheme.PYTORCH, 0.02, 1.0, 7, 16, m.vocab());
        return Checkpoint.encode(
                Checkpoint.parameters(m.params(), m.params().w),
                Map.of("contents", "parameters", "model", c.modelJson()));
    }

    public static void main(String[] args) throws Exception {
        Path root =
                Path.of(args.length > 0 ? args[0] : "src/test/resources/golden").resolve("export");
        try (Parallel pool = new Parallel(1)) {
            for (String name : CASES) {
                GoldenCases.Case c = GoldenCases.CASES.stream()
                        .filter(x -> x.name().equals(name))
                        .findFirst()
                        .orElseThrow();
                Model m = GoldenCases.build(c, pool);
                Dataset d = GoldenCases.data(c);
                Path dir = root.resolve(name);
                Files.createDirectories(dir);
                Files.write(dir.resolve("model.safetensors"), weights(c, m));
                ObjectNode doc = Json.MAPPER.createObjectNode();
                doc.set("model", Json.MAPPER.readTree(c.modelJson()));
                doc.put("p", d.classes());
                doc.put("seq_len", d.seqLen());
                ArrayNode tok = doc.putArray("tokens");
                for (int t : d.tokens()) tok.add(t);
                Files.writeString(dir.resolve("input.json"), Json.MAPPER.writeValueAsString(doc) + "\n");
                System.out.println("wrote " + dir);
            }
        }
    }
}
