package org.grokscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigException;
import org.grokscope.report.CsvExport;
import org.grokscope.run.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "csv",
        mixinStandardHelpOptions = true,
        description = {
            "Write runs' numbers as CSV: every metric of every run in long format "
                    + "(run, the config keys that differ between the runs, step, metric, value), or with --runs one row per run and its outcome.",
            "DIR may be a run, a sweep or cds directory, or any folder holding runs. Values are copied as the runs wrote them."
        })
public final class CsvCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "DIR",
            arity = "1..*",
            description = "run, sweep or search directories, or folders holding them")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "FILE", description = "write here (default: standard output)")
    Path out;

    @Option(
            names = "--runs",
            description = "one row per run (its settings and outcome) instead of every metric at every step")
    boolean runs;

    @Option(
            names = "--metrics",
            paramLabel = "NAME",
            split = ",",
            description = "only these columns of metrics.csv, e.g. train_acc,test_acc,l2_norm")
    List<String> metrics;

    @Override
    public Integer call() throws Exception {
        if (runs && metrics != null)
            throw new ConfigException("--metrics: selects columns of the long format; --runs writes the outcome table");
        String text;
        try {
            List<CsvExport.Run> found = CsvExport.find(dirs);
            text = runs ? CsvExport.runs(found) : CsvExport.metrics(found, metrics);
        } catch (java.io.IOException e) {
            throw new ConfigException(e.getMessage());
        }
        if (out == null) {
            System.out.print(text);
        } else {
            AtomicFiles.writeString(out, text);
            System.err.println("wrote " + out + " (" + (text.lines().count() - 1) + " rows)");
        }
        return 0;
    }
}
