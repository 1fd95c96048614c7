package org.grokscope.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.config.Json;
import org.grokscope.nn.Param;
import org.grokscope.nn.Params;
import org.grokscope.train.Optimizer;

/**
 * Parameters and optimizer state at a step boundary (after {@code step} updates), in the safetensors format: an 8-byte
 * little-endian header length, a JSON header (padded with spaces to a multiple of 8) naming every tensor with its dtype
 * (F32), shape and byte range, then the raw little-endian data. Anyone can read it ({@code safetensors.torch.load_file}
 * in PyTorch). Tensors: each parameter under its own name ({@code embed.weight}, {@code blocks.0.attn.q.weight}, …;
 * linear weights are [in, out], y = x·W + b), and each optimizer buffer per parameter as
 * {@code optimizer.<buffer>.<parameter>} (exp_avg, exp_avg_sq, momentum_buffer, grokfast_ema, grokfast_window_i).
 * String metadata: the format and its version, the step and the optimizer's step count, the resolved run config, what
 * wrote it, and the SHA-256 of the data section, which loading checks. Batches need no RNG state: they derive from the
 * seed and the step. Loading refuses a checkpoint whose tensors differ from the model's in name or shape, naming the
 * first that differs, and a file that is corrupt, truncated or has bytes after its data. {@link #loadLegacy} reads the
 * bare-array format of earlier versions.
 */
public final class Checkpoint {
    public static final String FORMAT = "grokscope-checkpoint", VERSION = "2", OPTIMIZER_PREFIX = "optimizer.";
    private static final int LEGACY_MAGIC = 0x4753434B;
    private static final long MAX_HEADER = 100L << 20;

    private Checkpoint() {}

    /** A named tensor: {@code shape} over {@code data[offset, offset + size)}. */
    public record Tensor(String name, int[] shape, float[] data, int offset) {
        public int size() {
            int n = 1;
            for (int s : shape) n *= s;
            return n;
        }
    }

    /** A checkpoint read and verified: its metadata and its tensors (copies). */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
        public int step() {
            return Integer.parseInt(metadata.getOrDefault("step", "0"));
        }
    }

    /** The model's parameters as named tensors (views of the flat buffer). */
    public static List<Tensor> parameters(Params params, float[] w) {
        List<Tensor> out = new ArrayList<>();
        for (Param p : params.list()) out.add(new Tensor(p.name(), p.shape(), w, p.offset()));
        return out;
    }

    /** The optimizer's buffers, split per parameter (views); empty buffers (SGD without momentum) are left out. */
    public static List<Tensor> optimizerState(Params params, Optimizer opt) {
        List<Tensor> out = new ArrayList<>();
        float[][] st = opt.state();
        List<String> names = opt.stateNames();
        if (names.size() != st.length)
            throw new IllegalStateException("optimizer names " + names.size() + " buffers, has " + st.length);
        for (int k = 0; k < st.length; k++) {
            if (st[k].length == 0) continue;
            for (Param p : params.list())
                out.add(new Tensor(OPTIMIZER_PREFIX + names.get(k) + "." + p.name(), p.shape(), st[k], p.offset()));
        }
        return out;
    }

    /** Writes parameters and optimizer state after {@code step} updates, atomically. */
    public static void save(Path file, int step, Params params, Optimizer opt, Map<String, String> metadata)
            throws IOException {
        List<Tensor> ts = new ArrayList<>(parameters(params, params.w));
        ts.addAll(optimizerState(params, opt));
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("step", Integer.toString(step));
        meta.put("optimizer_step", Long.toString(opt.stepCount()));
        AtomicFiles.write(file, encode(ts, meta));
    }

    /**
     * The safetensors bytes of {@code tensors} (in this order) with {@code metadata} (keys sorted) plus format, version
     * and data hash.
     */
    public static byte[] encode(List<Tensor> tensors, Map<String, String> metadata) {
        long dataBytes = 0;
        for (Tensor t : tensors) dataBytes += 4L * t.size();
        if (dataBytes > Integer.MAX_VALUE - (64L << 20))
            throw new IllegalArgumentException("checkpoint of " + dataBytes + " bytes is too large for one file");
        ByteBuffer data = ByteBuffer.allocate((int) dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        ObjectNode header = Json.MAPPER.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", FORMAT);
        meta.put("format_version", VERSION);
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet())
            meta.put(e.getKey(), e.getValue()); // sorted: same bytes whatever the map
        for (Tensor t : tensors) {
            if (header.has(t.name()) || t.name().equals("__metadata__"))
                throw new IllegalArgumentException("duplicate tensor name " + t.name());
            ObjectNode o = header.putObject(t.name());
            o.put("dtype", "F32");
            var sh = o.putArray("shape");
            for (int s : t.shape()) sh.add(s);
            int begin = data.position();
            for (int i = 0; i < t.size(); i++) data.putFloat(t.data()[t.offset() + i]);
            o.putArray("data_offsets").add(begin).add(data.position());
        }
        meta.put("data_sha256", sha256(data.array()));
        byte[] json;
        try {
            json = Json.MAPPER
                    .writer()
                    .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(header)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[8 + padded + data.capacity()];
        ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, out, 8, json.length);
        Arrays.fill(out, 8 + json.length, 8 + padded, (byte) ' ');
        System.arraycopy(data.array(), 0, out, 8 + padded, data.capacity());
        return out;
    }

    /**
     * Reads and verifies a safetensors file written by grokscope (or any F32 safetensors file: the hash is checked when
     * present).
     */
    public static Contents read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (OutOfMemoryError e) {
            throw new IOException(file + ": too large to read into memory", e);
        }
        if (all.length >= 4 && ByteBuffer.wrap(all, 0, 4).getInt() == LEGACY_MAGIC)
            throw new IOException(
                    file
                            + ": a checkpoint in the format of grokscope before 0.2 (bare arrays); it can only be resumed, not read by name");
        if (all.length < 8) throw new IOException(file + ": not a checkpoint (" + all.length + " bytes, truncated?)");
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n <= 0 || n > MAX_HEADER || 8 + n > all.length)
            throw new IOException(file + ": not a safetensors checkpoint, or truncated (header length " + n + ", file "
                    + all.length + " bytes)");
        JsonNode header;
        try {
            header = Json.MAPPER.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + ": the checkpoint's header is not valid JSON (corrupt file?)");
        }
        if (header == null || !header.isObject())
            throw new IOException(file + ": the checkpoint's header is not a JSON object");
        int dataStart = 8 + (int) n;
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long end = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue()
                        .fields()
                        .forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode t = e.getValue(), off = t.path("data_offsets"), sh = t.path("shape");
            if (!"F32".equals(t.path("dtype").asText()))
                throw new IOException(file + ": tensor '" + e.getKey() + "' has dtype "
                        + t.path("dtype").asText() + "; grokscope reads F32 only");
            if (!off.isArray() || off.size() != 2 || !sh.isArray())
                throw new IOException(file + ": tensor '" + e.getKey() + "' has no valid shape and offsets");
            int[] shape = new int[sh.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = sh.get(i).asInt();
                count *= shape[i];
            }
            long b = off.get(0).asLong(), f = off.get(1).asLong();
            if (b < 0 || f - b != 4 * count || dataStart + f > all.length)
                throw new IOException(file + ": tensor '" + e.getKey() + "' lies outside the file (offsets " + b + "-"
                        + f + ", shape " + Arrays.toString(shape) + "): truncated or corrupt");
            float[] v = new float[(int) count];
            ByteBuffer.wrap(all, dataStart + (int) b, (int) (f - b))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(v);
            tensors.put(e.getKey(), new Tensor(e.getKey(), shape, v, 0));
            end = Math.max(end, f);
        }
        // the tensors tile the data section: no gap, no overlap (a damaged offset could otherwise move a tensor)
        long[][] ranges = new long[tensors.size()][];
        int k = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("__metadata__"))
                ranges[k++] = new long[] {
                    e.getValue().get("data_offsets").get(0).asLong(),
                    e.getValue().get("data_offsets").get(1).asLong()
                };
        }
        Arrays.sort(ranges, (x, y) -> Long.compare(x[0], y[0]));
        long at = 0;
        for (long[] r : ranges) {
            if (r[0] != at)
                throw new IOException(
                        file + ": the tensors' byte ranges overlap or leave a gap at byte " + at + " (corrupt file)");
            at = r[1];
        }
        if (dataStart + end != all.length)
            throw new IOException(file + ": " + (all.length - dataStart - end)
                    + " bytes after the last tensor (corrupt, or not written by grokscope)");
        String want = meta.get("data_sha256");
        if (want == null && FORMAT.equals(meta.get("format")))
            throw new IOException(file + ": the checkpoint has lost its checksum (data_sha256); the file is corrupt");
        if (want != null && !want.equals(sha256(Arrays.copyOfRange(all, dataStart, all.length))))
            throw new IOException(file + ": the tensor data does not match its checksum (the file is corrupt)");
        return new Contents(meta, tensors);
    }

    /**
     * Restores parameters and optimizer state in place from a checkpoint; returns the step. Refuses, naming the first
     * tensor that differs, a checkpoint of another model or optimizer.
     */
    public static int load(Path file, Params params, Optimizer opt) throws IOException {
        Contents c = read(file);
        if (!FORMAT.equals(c.metadata().get("format")))
            throw new IOException(file + ": not a grokscope checkpoint (metadata format '"
                    + c.metadata().get("format") + "')");
        List<Tensor> want = new ArrayList<>(parameters(params, params.w));
        want.addAll(optimizerState(params, opt));
        for (Tensor t : want) {
            Tensor got = c.tensors().get(t.name());
            if (got == null)
                throw new IOException(file + ": the checkpoint has no tensor '" + t.name() + "' (shape "
                        + Arrays.toString(t.shape()) + "): it is of another model or optimizer");
            if (!Arrays.equals(got.shape(), t.shape()))
                throw new IOException(file + ": tensor '" + t.name() + "' has shape " + Arrays.toString(got.shape())
                        + " in the checkpoint, the model needs " + Arrays.toString(t.shape()));
        }
        if (c.tensors().size() != want.size()) {
            java.util.Set<String> known = new java.util.HashSet<>();
            for (Tensor t : want) known.add(t.name());
            for (String name : c.tensors().keySet())
                if (!known.contains(name))
                    throw new IOException(file + ": the checkpoint has a tensor '" + name
                            + "' that this run does not: it is of another model or optimizer");
        }
        for (Tensor t : want) System.arraycopy(c.tensors().get(t.name()).data(), 0, t.data(), t.offset(), t.size());
        opt.setStepCount(Long.parseLong(c.metadata().getOrDefault("optimizer_step", "0")));
        return c.step();
    }

    /** Whether a file is in the bare-array format of grokscope before 0.2. */
    public static boolean isLegacy(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && ByteBuffer.wrap(b).getInt() == LEGACY_MAGIC;
        }
    }

    /** Restores from the earlier format: "GSCK", version 1, step, optimizer step count, parameters, state arrays. */
    public static int loadLegacy(Path file, float[] params, Optimizer opt) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            if (in.readInt() != LEGACY_MAGIC) throw new IOException(file + ": not a grokscope checkpoint");
            int version = in.readInt();
            if (version != 1) throw new IOException(file + ": checkpoint version " + version + " is not supported");
            int step = in.readInt();
            long t = in.readLong();
            readArray(in, params, file, "parameters");
            float[][] st = opt.state();
            int n = in.readInt();
            if (n != st.length) throw new IOException(file + ": optimizer state does not match the config");
            for (float[] a : st) readArray(in, a, file, "optimizer state");
            if (in.read() != -1)
                throw new IOException(file + ": bytes after the end of the checkpoint (corrupt file?)");
            opt.setStepCount(t);
            return step;
        } catch (EOFException e) {
            throw new IOException(file + ": the checkpoint is truncated");
        }
    }

    /** The earlier format's bytes (kept so the reader stays tested). */
    static byte[] encodeLegacy(int step, float[] params, Optimizer opt) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(LEGACY_MAGIC);
            out.writeInt(1);
            out.writeInt(step);
            out.writeLong(opt.stepCount());
            writeArray(out, params);
            float[][] st = opt.state();
            out.writeInt(st.length);
            for (float[] a : st) writeArray(out, a);
        }
        return bytes.toByteArray();
    }

    private static void writeArray(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) out.writeInt(Float.floatToRawIntBits(v));
    }

    private static void readArray(DataInputStream in, float[] a, Path file, String what) throws IOException {
        int n = in.readInt();
        if (n != a.length)
            throw new IOException(file + ": " + what + " has " + n + " values, the model needs " + a.length);
        for (int i = 0; i < n; i++) a[i] = Float.intBitsToFloat(in.readInt());
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
