package org.grokscope.experiment;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grokscope.train.Optimizer;

/**
 * Parameters and optimizer state at a step boundary (after {@code step} updates), enough to continue a
 * run bit for bit. Layout: "GSCK", version, step, optimizer step count, parameters, state arrays.
 */
public final class Checkpoint {
    private static final int MAGIC = 0x4753434B, VERSION = 1;

    private Checkpoint() {}

    public static void save(Path file, int step, float[] params, Optimizer opt) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * params.length * 3);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(step);
            out.writeLong(opt.stepCount());
            writeArray(out, params);
            float[][] st = opt.state();
            out.writeInt(st.length);
            for (float[] a : st) writeArray(out, a);
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    /** Restores parameters and optimizer state in place; returns the step. */
    public static int load(Path file, float[] params, Optimizer opt) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            if (in.readInt() != MAGIC) throw new IOException(file + ": not a grokscope checkpoint");
            int version = in.readInt();
            if (version != VERSION) throw new IOException(file + ": checkpoint version " + version + " is not supported");
            int step = in.readInt();
            long t = in.readLong();
            readArray(in, params, file, "parameters");
            float[][] st = opt.state();
            int n = in.readInt();
            if (n != st.length) throw new IOException(file + ": optimizer state does not match the config");
            for (float[] a : st) readArray(in, a, file, "optimizer state");
            opt.setStepCount(t);
            return step;
        }
    }

    private static void writeArray(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) out.writeInt(Float.floatToRawIntBits(v));
    }

    private static void readArray(DataInputStream in, float[] a, Path file, String what) throws IOException {
        int n = in.readInt();
        if (n != a.length) throw new IOException(file + ": " + what + " has " + n + " values, the model needs " + a.length);
        for (int i = 0; i < n; i++) a[i] = Float.intBitsToFloat(in.readInt());
    }
}
