package org.grokscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grokscope.server.DashboardServer;
import picocli.CommandLine.Option;

/**
 * {@code --serve [--port N]} for train, sweep and cds, spelled as {@code serve}'s own {@code --port}: the dashboard
 * next to the job, on 127.0.0.1, watching the job's directory ({@code --serve=PORT}, the older spelling, still works).
 * Its runs then write their metrics every second instead of every five, so new points show within a second or two.
 * After the job the dashboard stays up until Ctrl-C when a person is at the terminal.
 */
public final class ServeOption {
    @Option(
            names = "--serve",
            arity = "0..1",
            fallbackValue = "" + ServeCommand.DEFAULT_PORT,
            paramLabel = "PORT",
            description = "serve the live dashboard on 127.0.0.1 while the job runs (port " + ServeCommand.DEFAULT_PORT
                    + ", or --port)")
    Integer servePort;

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "the dashboard's port, as 'grokscope serve --port' (implies --serve; 0 = any free port)")
    Integer portOption;

    /** The port to serve on, or null when the job serves no dashboard. */
    Integer port() throws org.grokscope.config.ConfigException {
        if (portOption != null
                && servePort != null
                && servePort != ServeCommand.DEFAULT_PORT
                && !servePort.equals(portOption))
            throw new org.grokscope.config.ConfigException(
                    "--serve=" + servePort + " and --port " + portOption + " name two ports; give one");
        return portOption != null ? portOption : servePort;
    }

    /** Seconds between metrics writes of the job's runs. */
    double flushSeconds() {
        return servePort == null && portOption == null ? 5 : 1;
    }

    /** Starts the dashboard over {@code dir} (created if missing) and prints the page's URL; null without --serve. */
    DashboardServer start(Path dir, String page) throws Exception {
        Integer port = port();
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
