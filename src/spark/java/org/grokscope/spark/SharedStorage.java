package org.grokscope.spark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.grokscope.run.DirectoryLock;
import org.grokscope.run.RunDirectory;

/**
 * Where a sweep's run directories live while Spark runs them, reachable from every executor.
 *
 * <ul>
 *   <li>A plain path or {@code file:} URI is a shared file system (NFS, a cluster file system, or this machine in local
 *       mode): the run writes straight into it, exactly as the local executor does (atomic renames, the directory
 *       lock), and a dashboard sees it live.
 *   <li>Any other Hadoop file system ({@code hdfs://}, {@code s3a://}, ...) cannot take those writes: the run works in
 *       a local scratch directory that starts from the shared copy (so a retried task resumes where the last attempt
 *       checkpointed) and is copied up after every checkpoint and at the end, each file through a temporary name, the
 *       checkpoint and summary last.
 * </ul>
 */
sealed interface SharedStorage permits SharedStorage.Direct, SharedStorage.Staged {
    /** A direct shared path for {@code file:} and scheme-less URIs, staging for the rest. */
    static SharedStorage of(String uri) throws IOException {
        URI u = URI.create(uri);
        if (u.getScheme() == null) return new Direct(Path.of(uri).toAbsolutePath());
        if (u.getScheme().equals("file")) return new Direct(Path.of(u));
        return new Staged(u, FileSystem.get(u, new Configuration()));
    }

    /** A URI for a local directory (the default: the sweep directory itself). */
    static String uriOf(Path dir) {
        return dir.toAbsolutePath().normalize().toUri().toString();
    }

    record Direct(Path root) implements SharedStorage {
        Path runDir(String id) {
            return root.resolve("runs").resolve(id);
        }
    }

    final class Staged implements SharedStorage {
        private final URI root;
        private final FileSystem fs;

        Staged(URI root, FileSystem fs) {
            this.root = root;
            this.fs = fs;
            fs.setWriteChecksum(false); // no .crc files beside the run's own on file systems that would write them
        }

        org.apache.hadoop.fs.Path remote(String id) {
            return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(root), "runs/" + id);
        }

        /** Copies the shared copy of run {@code id} (if any) into {@code local}, which must not exist yet. */
        void pull(String id, Path local) throws IOException {
            Files.createDirectories(local);
            org.apache.hadoop.fs.Path src = remote(id);
            if (!fs.exists(src)) return;
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(src, true);
            String base = src.toUri().getPath();
            while (it.hasNext()) {
                FileStatus f = it.next();
                String rel = f.getPath().toUri().getPath().substring(base.length() + 1);
                if (rel.contains(".part-")) continue; // a copy an earlier attempt did not finish
                Path dst = local.resolve(rel);
                Files.createDirectories(dst.getParent());
                try (var in = fs.open(f.getPath())) {
                    Files.copy(in, dst);
                }
            }
        }

        /**
         * Copies {@code local} up as run {@code id}: every file through a temporary name, the checkpoint and summary
         * last.
         */
        void push(String id, Path local) throws IOException {
            List<Path> files = new ArrayList<>(), last = new ArrayList<>();
            try (var s = Files.walk(local)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (name.equals(DirectoryLock.FILE) || name.endsWith(".tmp")) continue;
                    (name.equals(RunDirectory.CHECKPOINT) || name.equals(RunDirectory.SUMMARY) ? last : files).add(p);
                }
            }
            last.sort((a, b) -> a.getFileName().toString().equals(RunDirectory.SUMMARY) ? 1 : -1);
            files.addAll(last);
            org.apache.hadoop.fs.Path dir = remote(id);
            for (Path p : files) {
                org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(
                        dir, local.relativize(p).toString().replace('\\', '/'));
                org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(
                        dst.getParent(),
                        dst.getName() + ".part-" + ProcessHandle.current().pid());
                fs.mkdirs(dst.getParent());
                try (var out = fs.create(tmp, true)) {
                    Files.copy(p, out);
                }
                if (fs.exists(dst)) fs.delete(dst, false);
                if (!fs.rename(tmp, dst)) throw new IOException("could not rename " + tmp + " to " + dst);
            }
        }

        /** Copies the shared run {@code id} into the sweep directory's {@code runs/ID} on the driver, replacing it. */
        void fetch(String id, Path sweepDir) throws IOException {
            Path dst = sweepDir.resolve("runs").resolve(id);
            if (Files.exists(dst)) org.grokscope.sweep.RunTask.deleteTree(dst);
            pull(id, dst);
        }
    }
}
