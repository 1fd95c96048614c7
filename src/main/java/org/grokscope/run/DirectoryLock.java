package org.grokscope.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.grokscope.config.ConfigException;

/**
 * An OS file lock on a run or sweep directory ({@code DIR/.grokscope.lock}, holding the writer's pid), held while a
 * process writes there: a second writer, in another process or this one, is refused with a clear message instead of
 * interleaving its files with the first's. The lock goes with the process, so a killed writer leaves nothing to clean
 * up; the file stays (removing it would race with the next writer).
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE = ".grokscope.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (creating it) for writing, or refuses naming the holder; {@code what} says what the directory
     * is.
     */
    public static DirectoryLock acquire(Path dir, String what) throws IOException, ConfigException {
        Files.createDirectories(dir);
        Path f = dir.resolve(FILE);
        FileChannel ch =
                FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by this very process (another thread)
        }
        if (l == null) {
            String holder = "";
            try {
                holder = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                // the holder's pid is only for the message
            }
            ch.close();
            throw new Held(dir + ": another grokscope process" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + " is writing this " + what + "; wait for it to end, or use another --out");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
        return new DirectoryLock(ch, l);
    }

    /**
     * The directory is being written by another process (a cluster retries such a task rather than failing the run).
     */
    public static final class Held extends ConfigException {
        private static final long serialVersionUID = 1L;

        Held(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
