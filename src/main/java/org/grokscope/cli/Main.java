package org.grokscope.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** grokscope's command line. */
@Command(
        name = "grokscope",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Find when a network stops memorizing and starts generalizing, and how much data it takes.",
        subcommands = {
            TrainCommand.class,
            SweepCommand.class,
            CdsCommand.class,
            ReportCommand.class,
            PresetsCommand.class,
            DemoCommand.class,
            PlotCommand.class,
            ExportCommand.class,
            CsvCommand.class,
            BenchCommand.class,
            KernelCommand.class,
            DataCommand.class,
            ServeCommand.class,
            ForecastCommand.class,
            ReproduceCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * No command given: the usage, on standard error, and exit status 2 (a script that forgot its command must not
     * pass).
     */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof org.grokscope.config.ConfigException
                    || ex instanceof org.grokscope.data.text.DataException) {
                err.println("error: " + ex.getMessage().replace("\n", "\nerror: "));
                return 2;
            }
            if (ex instanceof java.io.IOException
                    || ex instanceof java.io.UncheckedIOException
                    || ex instanceof java.sql.SQLException) {
                err.println("error: " + describe(ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex));
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /**
     * An I/O or database failure in words: which file and what happened. The JDK's file exceptions carry only the path
     * (FileAlreadyExistsException: "runs/x"), some carry no message at all.
     */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileAlreadyExistsException f)
            return f.getFile() + ": exists and is a file, where a directory is needed";
        if (e instanceof java.nio.file.NoSuchFileException f) return f.getFile() + ": no such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof java.nio.file.NotDirectoryException f) return f.getFile() + ": not a directory";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null)
            return (f.getFile() != null ? f.getFile() + ": " : "")
                    + f.getReason().toLowerCase(java.util.Locale.ROOT);
        if (m == null || m.isBlank())
            return e.getClass()
                            .getSimpleName()
                            .replaceAll("([a-z])([A-Z])", "$1 $2")
                            .toLowerCase(java.util.Locale.ROOT)
                    + (e.getCause() != null ? ": " + describe(e.getCause()) : "");
        return m;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "grokscope " + org.grokscope.run.Provenance.version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
