package org.grokscope.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whole-file writes that are never seen half-done: write a temp file beside the target, then rename. */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void write(Path target, byte[] data) throws IOException {
        // "--out /" or "--out runs/": a directory where a file name is needed (else an NPE, or an error naming the temp
        // file)
        if (target.getFileName() == null || Files.isDirectory(target))
            throw new java.nio.file.FileSystemException(
                    target.toString(), null, "is a directory: name the file to write");
        try {
            writeUnnamed(target, data);
        } catch (java.nio.file.FileSystemException e) {
            throw e; // already names its file
        } catch (IOException e) { // "No space left on device" names nothing: say which file could not be written
            throw new IOException(
                    target + ": cannot write ("
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName()) + ")",
                    e);
        }
    }

    private static void writeUnnamed(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, data);
            // createTempFile makes owner-only files; outputs are ordinary files
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix"))
                Files.setPosixFilePermissions(
                        tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            org.grokscope.data.FileMoves.replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }
}
