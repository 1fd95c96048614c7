package org.grokscope.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.grokscope.run.RunSummary;

/** A few plain lines about a finished run. */
final class SummaryText {
    private SummaryText() {}

    private static String pct(double x) {
        return org.grokscope.run.ProgressPrinter.percent(x).trim();
    }

    static String describe(RunSummary s, Path dir) {
        StringBuilder b = new StringBuilder();
        b.append("final: train acc " + pct(s.finalTrainAcc()) + ", test acc " + pct(s.finalTestAcc()) + " (best "
                + pct(s.bestTestAcc()) + ")\n");
        if (s.memorizationStep() != null && s.generalizationStep() != null) {
            double ratio = s.memorizationStep() > 0
                    ? (double) s.generalizationStep() / s.memorizationStep()
                    : Double.POSITIVE_INFINITY;
            String verdict = s.grokkingGap() != null && ratio >= 2 ? "grokked" : "generalized";
            b.append(String.format(
                    Locale.ROOT,
                    "%s: memorized at step %d, generalized at step %d (gap %d steps, %.1fx)%n",
                    verdict,
                    s.memorizationStep(),
                    s.generalizationStep(),
                    s.grokkingGap(),
                    ratio));
        } else if (s.memorizationStep() != null) {
            b.append(String.format(
                    Locale.ROOT,
                    "memorized at step %d; test accuracy never reached %.0f%%%n",
                    s.memorizationStep(),
                    100 * s.generalizationThreshold()));
        } else {
            b.append(String.format(
                    Locale.ROOT, "train accuracy never reached %.0f%%%n", 100 * s.memorizationThreshold()));
        }
        b.append(String.format(
                Locale.ROOT,
                "%.2f ms/step, %.1f GFLOP/s, %d thread%s; run directory: %s",
                s.msPerStep(),
                s.gflopsPerSecond(),
                s.threads(),
                s.threads() == 1 ? "" : "s",
                dir));
        return b.toString();
    }
}
