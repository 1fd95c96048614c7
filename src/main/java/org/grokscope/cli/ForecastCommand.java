package org.grokscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.grokscope.forecast.Bank;
import org.grokscope.forecast.ForecastEval;
import org.grokscope.report.ForecastReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "forecast",
        mixinStandardHelpOptions = true,
        description = "Early verdicts: judge signals that forecast grokking on a labelled bank of runs.",
        subcommands = {ForecastCommand.Eval.class, ForecastCommand.Check.class})
public final class ForecastCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "eval",
            mixinStandardHelpOptions = true,
            description = {
                "Fits a grokking predictor on a bank and judges each signal.",
                "Leaving whole operations out: AUC at 10/25/50%% of the budget, false positives on random-label and weight-decay-0 runs, and lead time, per signal and for a combined",
                "predictor, leaving whole operations out. Writes forecast.json, forecast-model.json and forecast.html into DIR (or --out)."
            })
    static final class Eval implements Callable<Integer> {
        @Parameters(
                paramLabel = "DIR",
                description =
                        "a bank: a sweep directory (e.g. of the forecast-bank preset) or a folder of run directories")
        Path dir;

        @Option(names = "--out", paramLabel = "DIR", description = "where to write the results (default: DIR)")
        Path out;

        @Option(
                names = "--leave-out",
                paramLabel = "WHAT",
                defaultValue = "operation",
                description = "what is left out in turn for cross-validation: operation (default) or prime")
        String leaveOut;

        @Option(
                names = "--precision",
                paramLabel = "SHARE",
                defaultValue = "0.8",
                description =
                        "the forming verdict's level: the lowest at which this share of the training runs it fires on generalize (default: ${DEFAULT-VALUE}); "
                                + "higher: fewer, later verdicts. The report shows the trade-off at 0.95 to 0.6 either way")
        double precision;

        @Override
        public Integer call() throws Exception {
            ForecastEval.LeaveOut by = switch (leaveOut.toLowerCase(Locale.ROOT)) {
                case "operation", "op" -> ForecastEval.LeaveOut.OPERATION;
                case "prime", "p" -> ForecastEval.LeaveOut.PRIME;
                default ->
                    throw new org.grokscope.config.ConfigException(
                            "--leave-out: must be operation or prime, got '" + leaveOut + "'");
            };
            if (!(precision > 0 && precision <= 1))
                throw new org.grokscope.config.ConfigException(
                        "--precision: must be a share in (0, 1], got " + precision);
            List<Bank.Run> runs = Bank.read(dir);
            long groups = runs.stream()
                    .map(x -> by == ForecastEval.LeaveOut.PRIME ? Integer.toString(x.p()) : x.op())
                    .distinct()
                    .count();
            if (groups < 2)
                throw new org.grokscope.config.ConfigException(
                        dir + ": every run has the same " + (by == ForecastEval.LeaveOut.PRIME ? "prime" : "operation")
                                + ", so none can be left out to judge the others; a bank needs at least two");
            ForecastEval.Report r = ForecastEval.evaluate(runs, by, precision);
            System.out.printf(
                    Locale.ROOT,
                    "%d runs (%d generalized within their budget, %d with random labels); %ss left out in turn: %s%n",
                    r.runs(),
                    r.generalized(),
                    r.randomRuns(),
                    leaveOut.toLowerCase(Locale.ROOT).startsWith("p") ? "prime" : "operation",
                    String.join(", ", r.folds()));
            System.out.printf(
                    Locale.ROOT,
                    "%-32s %7s %7s %7s %9s %8s %9s %8s %10s %9s%n",
                    "signal",
                    "AUC10%",
                    "AUC25%",
                    "AUC50%",
                    "FP random",
                    "FP wd 0",
                    "precision",
                    "verdicts",
                    "lead steps",
                    "lead/gap");
            for (ForecastEval.Result x : r.results())
                System.out.printf(
                        Locale.ROOT,
                        "%-32s %7s %7s %7s %9s %8s %9s %8d %10s %9s%n",
                        x.name(),
                        f(x.auc()[0]),
                        f(x.auc()[1]),
                        f(x.auc()[2]),
                        pct(x.fpRandom()),
                        pct(x.fpZeroWd()),
                        pct(x.heldOutPrecision()),
                        x.verdicts(),
                        Double.isNaN(x.medianLeadSteps())
                                ? "-"
                                : String.format(Locale.ROOT, "%.0f", x.medianLeadSteps()),
                        pct(x.medianLeadFraction()));
            System.out.println(
                    "as alarms (held out; an alarm fires the first time a run's score reaches its threshold, after memorization and before"
                            + " generalization; a false alarm is one on a run that never generalized):");
            System.out.printf(
                    Locale.ROOT,
                    "%-32s %12s %10s %13s %10s %10s %14s%n",
                    "signal",
                    "catch@5%FA",
                    "lead/gap",
                    "catch@10%FA",
                    "lead/gap",
                    "lowest FA",
                    "direction");
            for (ForecastEval.Result x : r.results()) alarmRow(x);
            ForecastEval.Result c = r.results().get(r.results().size() - 1);
            StringBuilder folds = new StringBuilder();
            c.foldAuc25()
                    .forEach((k, v) -> folds.append(folds.length() == 0 ? "" : ", ")
                            .append(k)
                            .append(' ')
                            .append(f(v)));
            System.out.println("combined predictor, AUC at 25% within each left-out group: " + folds);
            System.out.printf(
                    Locale.ROOT,
                    "combined predictor, calibration on held-out rows: Brier %.3f; predicted -> observed:",
                    c.brier());
            for (double[] b : c.reliability())
                System.out.printf(Locale.ROOT, " %.2f -> %.2f (%d)", b[0], b[1], (int) b[2]);
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "combined predictor, stalled verdicts on held-out runs: %d fired, %d of them generalized after all (%s of the %d runs"
                            + " that generalized), %d on random-label runs; generalization steps inside the ETA interval: %s; ETA median error %s of the"
                            + " steps that remained%n",
                    r.stalled()[0],
                    r.stalled()[1],
                    pct(r.generalized() == 0 ? Double.NaN : (double) r.stalled()[1] / r.generalized()),
                    r.generalized(),
                    r.stalled()[2],
                    pct(r.etaCoverage()),
                    pct(r.etaError()));
            System.out.println(
                    "combined predictor's forming verdict at other precision targets (held out; * the one used):");
            System.out.printf(
                    Locale.ROOT,
                    "  %-8s %9s %8s %9s %8s %10s %9s%n",
                    "target",
                    "precision",
                    "verdicts",
                    "FP random",
                    "FP wd 0",
                    "lead steps",
                    "lead/gap");
            for (ForecastEval.Result x : r.tradeOff())
                System.out.printf(
                        Locale.ROOT,
                        "  %-8s %9s %8d %9s %8s %10s %9s%n",
                        pct(x.precisionTarget()) + (x.precisionTarget() == r.precision() ? "*" : ""),
                        pct(x.heldOutPrecision()),
                        x.verdicts(),
                        pct(x.fpRandom()),
                        pct(x.fpZeroWd()),
                        Double.isNaN(x.medianLeadSteps())
                                ? "-"
                                : String.format(Locale.ROOT, "%.0f", x.medianLeadSteps()),
                        pct(x.medianLeadFraction()));
            for (ForecastEval.Advice a : ForecastEval.advice(runs)) adviceLine(a);
            Path o = out != null ? out : dir;
            java.nio.file.Files.createDirectories(o);
            System.out.println("report: " + ForecastReport.write(o, dir.toString(), r));
            return 0;
        }

        /**
         * A result's alarm row: catch rate and lead at 5 % and 10 % false alarms, the lowest false-alarm rate, the
         * direction across groups.
         */
        static void alarmRow(ForecastEval.Result x) {
            org.grokscope.forecast.Alarms.Point a = x.alarms().at(0.05),
                    b = x.alarms().at(0.10);
            int[] d = x.directionHolds();
            System.out.printf(
                    Locale.ROOT,
                    "%-32s %12s %10s %13s %10s %10s %14s%n",
                    x.name(),
                    pct(a.catchRate()),
                    pct(a.leadFraction()),
                    pct(b.catchRate()),
                    pct(b.leadFraction()),
                    pct(x.alarms().lowestFalseAlarm()),
                    d[1] == 0 ? "-" : d[0] + " of " + d[1] + " groups");
        }

        /** One kind of advice as the runs recorded it (with the predictor they ran with), judged by how they ended. */
        static void adviceLine(ForecastEval.Advice a) {
            System.out.printf(
                    Locale.ROOT,
                    "advice as the runs recorded it, \"%s\": on %d runs before they generalized, %d of the %d that"
                            + " generalized (%s), %d of %d random-label runs%n",
                    a.kind(),
                    a.fired(),
                    a.onGeneralized(),
                    a.generalized(),
                    pct(a.wrongShare()),
                    a.onRandom(),
                    a.random());
        }

        static String f(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
        }

        static String pct(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Scores a fitted predictor on a bank it was not fitted on.",
                "The predictor is the one shipped in the jar unless --predictor; nothing is refitted. AUC at",
                "10/25/50%% of the budget (overall and per operation), its forming and stalled verdicts as runs meet them, false positives, lead time",
                "and calibration. Writes forecast-check.json into DIR (or --out)."
            })
    static final class Check implements Callable<Integer> {
        @Parameters(
                paramLabel = "DIR",
                description =
                        "a bank: a sweep directory (e.g. of the forecast-check preset) or a folder of run directories")
        Path dir;

        @Option(names = "--out", paramLabel = "DIR", description = "where to write forecast-check.json (default: DIR)")
        Path out;

        @Option(
                names = "--predictor",
                paramLabel = "FILE",
                description = "a forecast-model.json written by forecast eval (default: the shipped predictor)")
        Path predictor;

        @Override
        public Integer call() throws Exception {
            org.grokscope.analysis.Forecaster f;
            String name;
            if (predictor == null) {
                f = org.grokscope.run.Forecasts.bundled();
                if (f == null)
                    throw new org.grokscope.config.ConfigException(
                            "this build ships no predictor; pass --predictor FILE");
                name = "shipped (" + org.grokscope.run.Forecasts.RESOURCE + ")";
            } else {
                f = org.grokscope.run.Forecasts.read(predictor);
                name = predictor.toString();
            }
            List<Bank.Run> runs = Bank.read(dir);
            ForecastEval.Check c = ForecastEval.check(runs, f);
            ForecastEval.Result x = c.result();
            System.out.printf(
                    Locale.ROOT,
                    "%d runs (%d generalized within their budget, %d with random labels), predictor: %s%n",
                    c.runs(),
                    c.generalized(),
                    c.randomRuns(),
                    name);
            System.out.printf(
                    Locale.ROOT,
                    "AUC at 10/25/50%% of the budget: %s / %s / %s; at 25%% per operation:",
                    Eval.f(x.auc()[0]),
                    Eval.f(x.auc()[1]),
                    Eval.f(x.auc()[2]));
            x.foldAuc25().forEach((k, v) -> System.out.printf(Locale.ROOT, " %s %s", k, Eval.f(v)));
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "forming verdicts: %d, right %s; on random-label runs %s of %d, on weight-decay-0 runs that did not generalize %s of %d; "
                            + "median lead %s steps, %s of the grokking gap; generalization steps inside the ETA interval: %s%n",
                    x.verdicts(),
                    Eval.pct(x.heldOutPrecision()),
                    Eval.pct(x.fpRandom()),
                    x.randomRuns(),
                    Eval.pct(x.fpZeroWd()),
                    x.zeroWdRuns(),
                    Double.isNaN(x.medianLeadSteps()) ? "-" : String.format(Locale.ROOT, "%.0f", x.medianLeadSteps()),
                    Eval.pct(x.medianLeadFraction()),
                    Eval.pct(c.etaCoverage()));
            System.out.printf(
                    Locale.ROOT,
                    "stalled verdicts: %d, %d of them on runs that generalized after all (%s of the %d that generalized), %d on random-label runs;"
                            + " ETA median error %s of the steps that remained%n",
                    c.stalled()[0],
                    c.stalled()[1],
                    Eval.pct(c.generalized() == 0 ? Double.NaN : (double) c.stalled()[1] / c.generalized()),
                    c.generalized(),
                    c.stalled()[2],
                    Eval.pct(c.etaError()));
            org.grokscope.forecast.Alarms.Point a5 = x.alarms().at(0.05),
                    a10 = x.alarms().at(0.10);
            System.out.printf(
                    Locale.ROOT,
                    "as an alarm: catches %s of the runs that generalized at %s false alarms (lead %s of the gap), %s at %s (lead %s);"
                            + " the lowest false-alarm rate of any threshold that catches a run: %s%n",
                    Eval.pct(a5.catchRate()),
                    Eval.pct(a5.falseAlarm()),
                    Eval.pct(a5.leadFraction()),
                    Eval.pct(a10.catchRate()),
                    Eval.pct(a10.falseAlarm()),
                    Eval.pct(a10.leadFraction()),
                    Eval.pct(x.alarms().lowestFalseAlarm()));
            for (ForecastEval.Advice a : c.advice()) Eval.adviceLine(a);
            System.out.printf(Locale.ROOT, "calibration: Brier %.3f; predicted -> observed:", x.brier());
            for (double[] b : x.reliability())
                System.out.printf(Locale.ROOT, " %.2f -> %.2f (%d)", b[0], b[1], (int) b[2]);
            System.out.println();
            Path o = out != null ? out : dir;
            java.nio.file.Files.createDirectories(o);
            Path file = o.resolve("forecast-check.json");
            org.grokscope.run.AtomicFiles.writeString(
                    file,
                    org.grokscope.config.Json.MAPPER.writeValueAsString(
                                    ForecastReport.checkJson(dir.toString(), name, c))
                            + "\n");
            System.out.println("details: " + file);
            return 0;
        }
    }
}
