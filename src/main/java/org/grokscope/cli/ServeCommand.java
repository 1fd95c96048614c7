package org.grokscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.server.DashboardServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the live dashboard over run, sweep and search directories (read-only): curves that update as the jobs write them.",
            "Binds to 127.0.0.1; another --host needs the printed access token in the URL."
        })
public final class ServeCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 8113;

    @Parameters(
            paramLabel = "DIR",
            arity = "0..*",
            description =
                    "run, sweep or search directories, or folders holding them (default: runs/ if present, else .)")
    List<Path> dirs = new ArrayList<>();

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "" + DEFAULT_PORT,
            description = "port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description =
                    "address to listen on (default ${DEFAULT-VALUE}); any other needs the random access token printed with the URL")
    String host;

    @Override
    public Integer call() throws Exception {
        List<Path> d = new ArrayList<>(dirs);
        if (d.isEmpty()) d.add(Files.isDirectory(Path.of("runs")) ? Path.of("runs") : Path.of("."));
        for (Path p : d)
            if (!Files.isDirectory(p))
                throw new ConfigException(p
                        + ": not a directory (serve takes run, sweep or search directories, or folders holding them)");
        DashboardServer s = start(d, host, port);
        System.out.println("grokscope dashboard: " + s.url() + "  (Ctrl-C to stop)");
        if (s.token() != null)
            System.out.println("listening on " + host
                    + ": every request needs the access token above (the link sets it as a cookie)");
        Thread.currentThread().join();
        return 0;
    }

    static DashboardServer start(List<Path> dirs, String host, int port) throws Exception {
        if (port < 0 || port > 65535) throw new ConfigException("--port: must be 0..65535, got " + port);
        try {
            return DashboardServer.start(dirs, host, port);
        } catch (java.net.BindException e) {
            throw new ConfigException(host + ":" + port + ": cannot listen there (" + e.getMessage()
                    + "); choose another --port, or 0 for any free one");
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException("--host " + host + ": unknown address");
        }
    }
}
