package org.grokscope.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the CLI in a separate JVM (same JDK and classpath as the tests), output to a log file. */
public final class Subprocess {
    private Subprocess() {}

    public static Process grokscope(Path log, String... args) throws IOException {
        return grokscopeWith(List.of(), log, args);
    }

    /** With extra JVM options (e.g. a small -Xmx). */
    public static Process grokscopeWith(List<String> jvm, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector"));
        cmd.addAll(jvm);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "org.grokscope.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
