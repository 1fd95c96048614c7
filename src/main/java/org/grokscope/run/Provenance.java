package org.grokscope.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grokscope.config.Json;

/** Where and with what a run was made: enough to explain a result and to rerun it. */
public final class Provenance {
    private Provenance() {}

    public static Map<String, Object> collect(int threads, String command) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("grokscope_version", version());
        m.put("git_commit", gitCommit());
        m.put("command", command);
        m.put("started_at", Instant.now().toString());
        m.put("java_version", System.getProperty("java.version"));
        m.put("java_vendor", System.getProperty("java.vendor"));
        m.put("java_vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cpu_id", cpuId());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("threads", threads);
        m.put("vector_bits", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        return m;
    }

    /**
     * For a resumed run: this session's provenance, with the sessions before it (read from the directory's
     * provenance.json, oldest first) under "earlier_sessions", so the original command and start are kept.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> withEarlierSessions(Path dir, Map<String, Object> current) throws IOException {
        Path f = dir.resolve("provenance.json");
        if (!Files.exists(f)) return current;
        Map<String, Object> old;
        try {
            old = Json.MAPPER.readValue(f.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new IOException(
                    f + ": not readable as provenance (" + e.getMessage().split("\n")[0] + ")");
        }
        java.util.List<Object> earlier = new java.util.ArrayList<>();
        Object before = old.remove("earlier_sessions");
        if (before instanceof java.util.List<?> l) earlier.addAll(l);
        earlier.add(old);
        current.put("earlier_sessions", earlier);
        return current;
    }

    public static String version() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** The commit the launcher saw (-Dgrokscope.commit), else asks git in the working directory. */
    public static String gitCommit() {
        String c = System.getProperty("grokscope.commit");
        if (c != null && !c.isBlank()) return c;
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() == 0 && out.matches("[0-9a-f]{40}")) {
                Process d = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
                        .redirectErrorStream(true)
                        .start();
                String dirty = new String(d.getInputStream().readAllBytes()).trim();
                d.waitFor();
                return out + (dirty.isEmpty() ? "" : "-dirty");
            }
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }

    /**
     * Vendor, family and model numbers of the CPU as /proc/cpuinfo gives them (e.g. AuthenticAMD family 25 model 17,
     * Zen 4): two machines with the same marketing name can differ here, and the engine's speed with them.
     */
    public static Map<String, String> cpuId() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int c = line.indexOf(':');
                if (c < 0) continue;
                String k = line.substring(0, c).trim(),
                        v = line.substring(c + 1).trim();
                if (k.equals("vendor_id")) m.putIfAbsent("vendor", v);
                else if (k.equals("cpu family")) m.putIfAbsent("family", v);
                else if (k.equals("model")) m.putIfAbsent("model", v);
                if (line.isBlank() && !m.isEmpty()) break; // the first processor is enough
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the model name alone
        }
        return m;
    }

    /** "AuthenticAMD family 25 model 17", or "" where /proc/cpuinfo does not say. */
    public static String cpuIdText() {
        Map<String, String> id = cpuId();
        return id.isEmpty()
                ? ""
                : id.getOrDefault("vendor", "?") + " family " + id.getOrDefault("family", "?") + " model "
                        + id.getOrDefault("model", "?");
    }

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name"))
                    return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String id = System.getenv("PROCESSOR_IDENTIFIER");
        return id != null ? id : System.getProperty("os.arch");
    }
}
