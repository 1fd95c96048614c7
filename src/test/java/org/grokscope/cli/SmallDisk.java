package org.grokscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tmpfs of a given size mounted on a folder, for full-disk tests (root can mount one, as CI and these machines are).
 */
final class SmallDisk implements AutoCloseable {
    final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    static SmallDisk mount(Path dir, String size) throws Exception {
        Files.createDirectories(dir);
        run(
                "mounting a small tmpfs (needs root)",
                "mount",
                "-t",
                "tmpfs",
                "-o",
                "size=" + size,
                "tmpfs",
                dir.toString());
        return new SmallDisk(dir);
    }

    /** Gives the disk more (or less) room, keeping its files: "space was freed". */
    void resize(String size) throws Exception {
        run("resizing " + dir, "mount", "-o", "remount,size=" + size, dir.toString());
    }

    private static void run(String what, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(what + ": " + out).isZero();
    }

    /** Unmounts, lazily if something still holds a file there, so the temporary directory can go. */
    @Override
    public void close() throws Exception {
        if (new ProcessBuilder("umount", dir.toString()).start().waitFor() != 0)
            assertThat(new ProcessBuilder("umount", "-l", dir.toString())
                            .start()
                            .waitFor())
                    .as("unmounting " + dir)
                    .isZero();
    }
}
