package org.grokscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.server.DashboardServer;
import picocli.CommandLine.Option;

/**
 * {@code --serve[=PORT]} for train, sweep and cds: the dashboard next to the job, on 127.0.0.1, watching the job's
 * directory. Its runs then write their metrics every second instead of every five, so new points show within a
 * second or two. After the job the dashboard stays up until Ctrl-C when a person is at the terminal.
 */
public final class ServeOption {
    @Option(names = "--serve", arity = "0..1", fallbackValue = "" + ServeCommand.DEFAULT_PORT, paramLabel = "PORT",
            description = "serve the live dashboard on 127.0.0.1:PORT while the job runs (default port " + ServeCommand.DEFAULT_PORT + "; 0 = any free port)")
    Integer port;

    /** Seconds between metrics writes of the job's runs. */
    double flushSeconds() {
        return port == null ? 5 : 1;
    }

    /** Starts the dashboard over {@code dir} (created if missing) and prints the page's URL; null without --serve. */
    DashboardServer start(Path dir, String page) throws Exception {
        if (port == null) return null;
        Files.createDirectories(dir);
        DashboardServer s = ServeCommand.start(List.of(dir), "127.0.0.1", port);
        System.out.println("dashboard: " + s.url() + "#/" + page + "/0");
        return s;
    }

    /** After the job: keep serving until Ctrl-C if someone is watching at a terminal, else stop. */
    static void finish(DashboardServer s) throws InterruptedException {
        if (s == null) return;
        if (System.console() != null) {
            System.out.println("the job has ended; the dashboard stays up at " + s.url() + " until Ctrl-C");
            Thread.currentThread().join();
        }
        s.close();
    }
}
