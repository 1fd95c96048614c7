package org.grokscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.report.SweepReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write DIR/report.html for a sweep or cds directory: a self-contained page that works offline.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "a directory made by 'grokscope sweep' or 'grokscope cds'")
    Path dir;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "where to write the page (default: DIR/report.html; use it for a sweep on read-only media)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(dir.resolve("sweep.db")))
            throw new ConfigException(dir + ": no sweep.db (is this a sweep or cds directory?)");
        try (org.grokscope.sweep.SweepStore store = org.grokscope.sweep.SweepStore.readOnly(dir.resolve("sweep.db"))) {
            if (store.runs().isEmpty())
                throw new ConfigException(
                        dir.resolve("sweep.db") + " holds no runs (the sweep never started?); nothing to report");
        }
        Path to = out != null ? out : dir.resolve("report.html");
        Path parent = to.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) throw new ConfigException(to + ": its directory does not exist");
        if (!Files.isWritable(parent))
            throw new ConfigException(
                    parent + " is not writable" + (out == null ? ": write the report elsewhere with --out FILE" : ""));
        System.out.println("report: " + SweepReport.write(dir, to));
        return 0;
    }
}
