package org.grokscope.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the CLI in a separate JVM (same JDK and classpath as the tests), output to a log file. */
public final class Subprocess {
    private Subprocess() {}

    public static Process grokscope(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), "org.grokscope.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
