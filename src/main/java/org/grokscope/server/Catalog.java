package org.grokscope.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.grokscope.run.RunDirectory;

/**
 * The directories the dashboard was given and what lies in them. Every page and file is named by an id,
 * "ROOT/relative/path" (ROOT the index of a served directory), and {@link #resolve} is the only way from an id to a
 * path: it refuses "..", ".", empty and hidden segments, absolute paths, and anything whose real path (symbolic links
 * followed) leaves the served directory, so nothing outside what the server was given can be read.
 */
public final class Catalog {
    /** What a directory is: a run, or a sweep (a grid or a staged search; its store says which). */
    public enum Kind {
        RUN,
        SWEEP
    }

    /** A run, sweep or search found under a served directory. */
    public record Entry(String id, Kind kind, Path dir) {}

    private static final Pattern SEGMENT = Pattern.compile("[^/\\\\\\x00-\\x1f]+");
    static final int MAX_DEPTH = 4;

    private final List<Path> roots = new ArrayList<>(), realRoots = new ArrayList<>();

    public Catalog(List<Path> dirs) throws IOException {
        if (dirs.isEmpty()) throw new IllegalArgumentException("no directory to serve");
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) throw new IOException(d + ": not a directory");
            roots.add(d.toAbsolutePath().normalize());
            realRoots.add(d.toRealPath());
        }
    }

    public List<Path> roots() {
        return List.copyOf(roots);
    }

    /** A directory's kind, or null if it is none of them. */
    public static Kind kindOf(Path dir) {
        if (Files.isRegularFile(dir.resolve("sweep.db"), LinkOption.NOFOLLOW_LINKS)) return Kind.SWEEP;
        if (Files.isRegularFile(dir.resolve(RunDirectory.CONFIG), LinkOption.NOFOLLOW_LINKS)
                && (Files.exists(dir.resolve(RunDirectory.METRICS))
                        || Files.exists(dir.resolve(RunDirectory.PROGRESS)))) return Kind.RUN;
        return null;
    }

    /**
     * Every run, sweep and search under the served directories (to {@value #MAX_DEPTH} levels, links not followed); a
     * sweep's own runs are listed on its page, not here.
     */
    public List<Entry> scan() {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < roots.size(); i++) scan(i, roots.get(i), 0, out);
        return out;
    }

    private void scan(int root, Path dir, int depth, List<Entry> out) {
        Kind k = kindOf(dir);
        if (k != null) {
            out.add(new Entry(id(root, dir), k, dir));
            return; // a run's or sweep's subdirectories are its own
        }
        if (depth >= MAX_DEPTH) return;
        List<Path> subs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                            && !p.getFileName().toString().startsWith("."))
                    .forEach(subs::add);
        } catch (IOException e) {
            return; // unreadable: nothing to show
        }
        subs.sort(null);
        for (Path p : subs) scan(root, p, depth + 1, out);
    }

    /** The id of a directory under root {@code root}. */
    public String id(int root, Path dir) {
        Path rel = roots.get(root).relativize(dir.toAbsolutePath().normalize());
        String r = rel.toString().replace('\\', '/');
        return root + (r.isEmpty() ? "" : "/" + r);
    }

    /** The id of a run of a sweep. */
    public static String child(String sweepId, String runId) {
        return sweepId + "/runs/" + runId;
    }

    /** The display name of an id: the served directory's own name and the path under it. */
    public String label(String id) {
        int slash = id.indexOf('/');
        int root = Integer.parseInt(slash < 0 ? id : id.substring(0, slash));
        Path name = roots.get(root).getFileName();
        return (name == null ? roots.get(root).toString() : name.toString()) + (slash < 0 ? "" : id.substring(slash));
    }

    /**
     * The path an id names, checked: it must lie under its served directory after every link is followed, and exist.
     * Throws {@link Refused} otherwise, with the reason (never the resolved path).
     */
    public Path resolve(String id) throws Refused {
        if (id == null || id.isEmpty()) throw new Refused("no id");
        String[] parts = id.split("/", -1);
        int root;
        try {
            root = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new Refused("not an id: it starts with the index of a served directory");
        }
        if (root < 0 || root >= roots.size() || !parts[0].equals(Integer.toString(root)))
            throw new Refused("no such served directory");
        Path p = roots.get(root);
        for (int i = 1; i < parts.length; i++) {
            String s = parts[i];
            if (s.isEmpty()
                    || s.equals(".")
                    || s.equals("..")
                    || s.startsWith(".")
                    || !SEGMENT.matcher(s).matches())
                throw new Refused("path segment refused: only names below a served directory can be read");
            p = p.resolve(s);
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new Refused("not found");
        }
        if (!real.startsWith(realRoots.get(root))) throw new Refused("outside the served directory");
        return p;
    }

    /**
     * {@code dir/name} if it exists and, every link followed, still lies under {@code dir} (a directory
     * {@link #resolve} already checked); null otherwise. Every file of a run or sweep the dashboard reads goes through
     * here, so a {@code metrics.csv} or {@code data.json} that is a symbolic link out of its directory reads as absent.
     */
    static Path inside(Path dir, String name) {
        Path f = dir.resolve(name);
        try {
            return f.toRealPath().startsWith(dir.toRealPath()) ? f : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A request the catalog will not answer, and why (a 404 or 403 to the client). */
    public static final class Refused extends Exception {
        public Refused(String why) {
            super(why);
        }
    }
}
