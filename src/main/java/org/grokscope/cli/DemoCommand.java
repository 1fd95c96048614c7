package org.grokscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grokscope.config.ConfigLoader;
import org.grokscope.config.RunConfig;
import org.grokscope.report.LearningCurves;
import org.grokscope.run.RunDirectory;
import org.grokscope.run.Runner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Watch a network grok: trains the modadd-mlp preset and draws its learning curves.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/demo-TIMESTAMP)")
    Path out;

    @picocli.CommandLine.Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        RunConfig cfg = ConfigLoader.load(ConfigLoader.Source.preset("modadd-mlp"), List.of());
        int n = threads.resolve(cfg); // a bad --threads is refused before anything is printed
        Path dir = out != null ? out : TrainCommand.defaultDir("demo");
        System.out.println("grokscope demo: " + cfg.description());
        Runner.Result r = Runner.job(cfg, dir)
                .threads(n)
                .progress(System.out, System.console() != null)
                .command("grokscope demo")
                .run();
        Path png = dir.resolve("learning-curves.png");
        LearningCurves.write(
                dir.resolve(RunDirectory.METRICS), r.summary(), "modadd-mlp: (x + y) mod 97, 30% of pairs", png);
        System.out.println(SummaryText.describe(r.summary(), dir));
        System.out.println("learning curves: " + png);
        return TrainCommand.exitCode(r.outcome().status());
    }
}
