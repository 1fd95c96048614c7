package org.grokscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.report.SweepReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true, description = "Write DIR/report.html for a sweep or cds directory: a self-contained page that works offline.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "a directory made by 'grokscope sweep' or 'grokscope cds'")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(dir.resolve("sweep.db"))) throw new ConfigException(dir + ": no sweep.db (is this a sweep or cds directory?)");
        try (org.grokscope.sweep.SweepStore store = new org.grokscope.sweep.SweepStore(dir.resolve("sweep.db"))) {
            if (store.runs().isEmpty()) throw new ConfigException(dir.resolve("sweep.db") + " holds no runs (the sweep never started?); nothing to report");
        }
        System.out.println("report: " + SweepReport.write(dir));
        return 0;
    }
}
