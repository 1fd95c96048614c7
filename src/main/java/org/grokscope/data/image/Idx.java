package org.grokscope.data.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.grokscope.data.text.DataException;

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header (two zero bytes, a type byte, the
 * number of dimensions, then each dimension as an int) and the values in row-major order. Images are unsigned bytes of
 * shape [n, rows, cols], labels unsigned bytes of shape [n]. A file may be gzipped (as distributed); it is detected by
 * its first two bytes, not its name.
 */
public final class Idx {
    private Idx() {}

    /** The type byte of unsigned 8-bit values, the only one these datasets use. */
    static final int UBYTE = 0x08;
    /** Larger than any image set we read (MNIST: 47 MB unpacked); a header that claims more is damage. */
    static final long MAX_VALUES = 1L << 31;

    /** Images [n, rows, cols] as unsigned bytes (0..255). */
    public record Images(int n, int rows, int cols, byte[] pixels) {
        public int pixel(int image, int i) {
            return pixels[image * rows * cols + i] & 0xff;
        }
    }

    public static Images images(Path file) {
        return read(file, 3, (dims, in, name) -> {
            byte[] px = new byte[Math.multiplyExact(dims[0], Math.multiplyExact(dims[1], dims[2]))];
            in.readFully(px);
            return new Images(dims[0], dims[1], dims[2], px);
        });
    }

    /** Labels [n] (0..255). */
    public static int[] labels(Path file) {
        return read(file, 1, (dims, in, name) -> {
            byte[] b = new byte[dims[0]];
            in.readFully(b);
            int[] out = new int[b.length];
            for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xff;
            return out;
        });
    }

    private interface Body<T> {
        T read(int[] dims, DataInputStream in, String name) throws IOException;
    }

    private static <T> T read(Path file, int rank, Body<T> body) {
        String name = file.toString();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b
                    ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                    : raw;
            DataInputStream d = new DataInputStream(in);
            int magic = d.readInt();
            int type = (magic >>> 8) & 0xff, dims = magic & 0xff;
            if ((magic >>> 16) != 0 || type != UBYTE)
                throw DataException.at(
                        name,
                        0,
                        String.format(
                                "not an IDX file of unsigned bytes (magic 0x%08x; expected 0x%08x)",
                                magic, (UBYTE << 8) | rank));
            if (dims != rank)
                throw DataException.at(
                        name,
                        0,
                        "an IDX file of " + dims + " dimensions where " + rank + " are expected ("
                                + (rank == 3 ? "images: count, rows, columns" : "labels: count") + ")");
            int[] shape = new int[dims];
            long total = 1;
            for (int i = 0; i < dims; i++) {
                shape[i] = d.readInt();
                if (shape[i] <= 0) throw DataException.at(name, 0, "dimension " + i + " of the header is " + shape[i]);
                total *= shape[i];
                if (total > MAX_VALUES)
                    throw DataException.at(
                            name,
                            0,
                            "the header claims more than " + MAX_VALUES + " values: not an image set we can hold");
            }
            T out = body.read(shape, d, name);
            if (d.read() >= 0)
                throw DataException.at(
                        name, 0, "longer than its header says (" + total + " values): a damaged or different file");
            return out;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(name + ": no such file");
        } catch (EOFException e) {
            throw DataException.at(name, 0, "ends before the values its header announces (truncated download?)");
        } catch (java.util.zip.ZipException e) {
            throw DataException.at(name, 0, "corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes an IDX file of unsigned bytes (test fixtures, exports): shape, then values. */
    public static byte[] encode(int[] shape, byte[] values) {
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream(8 + 4 * shape.length + values.length);
        try (java.io.DataOutputStream o = new java.io.DataOutputStream(bo)) {
            o.writeInt((UBYTE << 8) | shape.length);
            for (int s : shape) o.writeInt(s);
            o.write(values);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bo.toByteArray();
    }
}
