package org.grokscope.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.grokscope.analysis.Logistic;
import org.grokscope.analysis.Roc;
import org.grokscope.analysis.Signals;
import org.grokscope.config.Json;
import org.grokscope.report.ForecastReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forecast evaluation on a small hand-made bank whose answers are known, and the pieces it rests on. */
class ForecastEvalTest {
    @TempDir
    Path tmp;

    @Test
    void aucIsTheMannWhitneyStatisticWithTiesHalf() {
        assertThat(Roc.auc(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}))
                .isEqualTo(0.75);
        assertThat(Roc.auc(new double[] {1, 1, 1, 1}, new boolean[] {false, true, false, true}))
                .isEqualTo(0.5);
        assertThat(Roc.auc(new double[] {3, Double.NaN, 1}, new boolean[] {true, false, false}))
                .isEqualTo(1.0);
        assertThat(Roc.auc(new double[] {1, 2}, new boolean[] {true, true})).isNaN();
        List<double[]> c = Roc.curve(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true});
        assertThat(c.get(0)).containsExactly(0, 0);
        assertThat(c.get(c.size() - 1)).containsExactly(1, 1);
        assertThat(c).hasSize(5);
    }

    @Test
    void logisticRegressionSeparatesAndSurvivesJson() throws Exception {
        double[][] x = new double[200][];
        boolean[] y = new boolean[200];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 200; i++) {
            y[i] = i % 2 == 0;
            x[i] = new double[] {(y[i] ? 2 : -2) + r.nextGaussian(), r.nextGaussian() * 10, i % 7 == 0 ? Double.NaN : 5
            };
        }
        Logistic.Model m = Logistic.fit(new String[] {"signal", "noise", "constant"}, x, y, null, 1.0);
        assertThat(m.weight()[0]).isGreaterThan(2);
        assertThat(Math.abs(m.weight()[1])).isLessThan(0.5);
        assertThat(m.probability(new double[] {3, 0, 5})).isGreaterThan(0.95);
        assertThat(m.probability(new double[] {-3, 0, Double.NaN})).isLessThan(0.05);
        String json = Json.MAPPER.writeValueAsString(m);
        Logistic.Model back = Json.MAPPER.readValue(json, Logistic.Model.class);
        for (double[] row : x) assertThat(back.probability(row)).isEqualTo(m.probability(row));
        // without the ridge penalty the constant feature's weight has no unique value: refused by name, not set to 0
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Logistic.fit(new String[] {"signal", "noise", "constant"}, x, y, null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature 'constant' is constant");
        double[][] dup = new double[200][];
        for (int i = 0; i < 200; i++) dup[i] = new double[] {x[i][0], 2 * x[i][0] + 1};
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Logistic.fit(new String[] {"signal", "twice"}, dup, y, null, 0))
                .hasMessageContaining(
                        "feature 'twice' is constant over the rows or a combination of the features before it");
        assertThat(Logistic.fit(new String[] {"signal", "twice"}, dup, y, null, 1.0)
                        .weight()[1])
                .isGreaterThan(0); // penalized: fine
    }

    /**
     * A run of 100 evaluations (every 10 steps, budget 1,000) that memorizes at step 20; a "generalizing" run's
     * embedding Gini rises from step 200 and it generalizes at step 600; others stay flat. Test accuracy is 0 until
     * generalization in all of them, so it cannot tell them apart.
     */
    static Bank.Run run(String id, String op, double wd, boolean generalizes, int rng) {
        int n = 100;
        int[] step = new int[n];
        Map<String, double[]> c = new HashMap<>();
        for (String k :
                List.of("train_acc", "test_acc", "train_loss", "test_loss", "l2_norm", "dist_from_init", "embed_gini"))
            c.put(k, new double[n]);
        for (int k = 0; k < n; k++) {
            int s = k * 10;
            step[k] = s;
            c.get("train_acc")[k] = s >= 20 ? 1 : 0.5;
            c.get("test_acc")[k] = generalizes && s >= 600 ? 1 : 0;
            c.get("train_loss")[k] = 1.0 / (1 + s);
            c.get("test_loss")[k] = 3 + 0.001 * ((k * 7919 + rng) % 13); // noise, no trend
            c.get("l2_norm")[k] = 10;
            c.get("dist_from_init")[k] = 1;
            c.get("embed_gini")[k] = generalizes && s >= 200 ? 0.1 + (s - 200) / 1000.0 : 0.1;
        }
        return new Bank.Run(
                id, op, 23, wd, "adamw", "mlp", 1000, 20, generalizes ? 600 : null, new Signals.History(step, c, 23));
    }

    static List<Bank.Run> handMadeBank() {
        List<Bank.Run> runs = new ArrayList<>();
        int i = 0;
        for (String op : List.of("add", "mul", "sub"))
            for (int s = 0; s < 4; s++) {
                runs.add(run("g" + i, op, 1, true, i));
                i++;
                runs.add(run("m" + i, op, s % 2 == 0 ? 0 : 1, false, i));
                i++;
            }
        for (int s = 0; s < 4; s++) {
            runs.add(run("r" + i, "random", 1, false, i));
            i++;
        }
        return runs;
    }

    @Test
    void aSignalThatSeparatesIsFoundOnOperationsItWasNotFittedOn() {
        ForecastEval.Report r = ForecastEval.evaluate(handMadeBank());
        assertThat(r.runs()).isEqualTo(28);
        assertThat(r.generalized()).isEqualTo(12);
        assertThat(r.folds()).containsExactly("add", "mul", "random", "sub");
        Map<String, ForecastEval.Result> by = new HashMap<>();
        for (ForecastEval.Result x : r.results()) by.put(x.name(), x);
        ForecastEval.Result gini = by.get("embed_gini");
        // at 10 % (step 100) the Gini has not moved yet: no signal; from 25 % on it separates perfectly
        assertThat(gini.auc()[0]).isEqualTo(0.5);
        assertThat(gini.auc()[1]).isEqualTo(1.0);
        assertThat(gini.auc()[2]).isEqualTo(1.0);
        assertThat(by.get("test_acc").auc()[1])
                .as("flat before generalization: no information")
                .isEqualTo(0.5);
        // the verdict: never on random labels or the weight-decay-0 runs, right every time it fires
        assertThat(gini.fpRandom()).isZero();
        assertThat(gini.randomRuns()).isEqualTo(4);
        assertThat(gini.fpZeroWd()).isZero();
        assertThat(gini.zeroWdRuns()).isEqualTo(6);
        assertThat(gini.heldOutPrecision()).isEqualTo(1.0);
        assertThat(gini.verdicts()).isEqualTo(12);
        // it fires at the first evaluation above the flat runs' 0.1 (step 210), 390 steps before generalization at 600:
        // 390 / (600 - 20) of the gap
        assertThat(gini.leadSteps()).containsOnly(390);
        assertThat(gini.medianLeadFraction()).isCloseTo(390.0 / 580, within(1e-12));
        // as an alarm: the flat runs' Gini never leaves 0.1, so the lowest threshold that keeps false alarms under 5 %
        // is just above it, and every generalizing run is caught at step 210 with the same lead
        Alarms.Point a5 = gini.alarms().at(0.05);
        assertThat(a5.falseAlarm()).isZero();
        assertThat(a5.catchRate()).isEqualTo(1.0);
        assertThat(a5.leadSteps()).isEqualTo(390);
        assertThat(a5.leadFraction()).isCloseTo(390.0 / 580, within(1e-12));
        assertThat(gini.alarms().lowestFalseAlarm()).isZero();
        assertThat(gini.alarms().generalized()).isEqualTo(12);
        assertThat(gini.alarms().others()).isEqualTo(16);
        assertThat(gini.directionHolds())
                .containsExactly(3, 3); // add, mul, sub; the random-label group has one outcome only
        // the noise in the test loss catches nothing at 5 % false alarms that its chance share would not
        assertThat(by.get("test_loss_vs_peak").alarms().at(0.05).falseAlarm()).isLessThanOrEqualTo(0.05);
        ForecastEval.Result all = by.get(ForecastEval.COMBINED);
        assertThat(all.auc()[1]).isEqualTo(1.0);
        assertThat(all.fpRandom()).isZero();
        assertThat(all.foldAuc25()).containsOnlyKeys("add", "mul", "random", "sub");
        assertThat(all.foldAuc25().get("add")).isEqualTo(1.0);
        assertThat(all.foldAuc25().get("random")).as("one label only").isNaN();
        assertThat(all.brier()).isBetween(0.0, 0.25);
        // every run is scored at all three points (the hand-made ones generalize at 600, after 100, 250 and 500): 3 x
        // 28 rows, each in a bin
        assertThat(all.reliability().stream().mapToDouble(b -> b[2]).sum()).isEqualTo(3 * 28);
    }

    /**
     * Alarms on hand-made traces with known answers: 20 runs that never generalize, whose highest scores are 0, 0.05,
     * ..., 0.95, and four that generalize at step 1,000 after memorizing at step 0.
     */
    @Test
    void anAlarmsCatchRateAndLeadAtAFixedFalseAlarmRate() {
        List<Alarms.Trace> runs = new ArrayList<>();
        int[] steps = {0, 250, 500, 750};
        for (int i = 0; i < 20; i++)
            runs.add(new Alarms.Trace(new double[] {0, i / 20.0, 0, Double.NaN}, steps, 0, null));
        runs.add(new Alarms.Trace(new double[] {0.1, 0.5, 0.92, 0.93}, steps, 0, 1000)); // above 0.90 at step 500
        runs.add(new Alarms.Trace(new double[] {0.2, 0.88, 0.89, 0.89}, steps, 0, 1000)); // above 0.85 only, at 250
        runs.add(new Alarms.Trace(new double[] {Double.NaN, Double.NaN, 0.3, 0.4}, steps, 0, 1000)); // never
        runs.add(new Alarms.Trace(new double[] {0.91, 0.91, 0.91, 0.91}, steps, 0, 1000)); // above 0.90 from step 0
        Alarms.Summary s = Alarms.of(runs);
        // 5 %: one false alarm of 20 allowed, so the threshold is just above the second highest (0.90): it fires on
        // 0.95
        Alarms.Point a = s.at(0.05);
        assertThat(a.threshold()).isEqualTo(Math.nextUp(0.9));
        assertThat(a.falseAlarm()).isEqualTo(0.05);
        assertThat(a.caught()).isEqualTo(2);
        assertThat(a.catchRate()).isEqualTo(0.5);
        assertThat(a.leadSteps()).isEqualTo(750); // leads 500 and 1,000
        assertThat(a.leadFraction()).isEqualTo(0.75);
        // 10 %: two allowed, the threshold just above 0.85: the second run is caught at step 250 too
        Alarms.Point b = s.at(0.10);
        assertThat(b.falseAlarm()).isEqualTo(0.10);
        assertThat(b.catchRate()).isEqualTo(0.75);
        assertThat(b.leadSteps()).isEqualTo(750); // 500, 750, 1,000
        // the best generalizing run peaks at 0.93: a threshold there still fires on the run at 0.95
        assertThat(s.lowestFalseAlarm()).isEqualTo(0.05);
        // ties at the boundary fire together: with three runs tied at the top, 5 % allows none of them
        List<Alarms.Trace> tied = new ArrayList<>(runs.subList(20, 24));
        for (int i = 0; i < 20; i++)
            tied.add(new Alarms.Trace(new double[] {i < 3 ? 0.95 : 0.1}, new int[] {0}, 0, null));
        Alarms.Point c = Alarms.of(tied).at(0.05);
        assertThat(c.falseAlarm()).isZero();
        assertThat(c.threshold()).isEqualTo(Math.nextUp(0.95));
        assertThat(c.catchRate()).isZero();
        assertThat(c.leadFraction()).isNaN();
    }

    /** Advice is judged by how the runs it fired on ended; advice given after a run generalized is none. */
    @Test
    void adviceIsCountedOnTheRunsItFiredOnBeforeTheyGeneralized() {
        Bank.Run g = run("g", "add", 1, true, 0), m = run("m", "add", 1, false, 1), r = run("r", "random", 1, false, 2);
        List<Bank.Run> runs = List.of(
                with(g, 300, null), // advised, then generalized at 600: wrong advice
                with(g, 700, 650), // both after it generalized: not counted
                with(g, null, null),
                with(m, 500, 400),
                with(r, 800, null));
        List<ForecastEval.Advice> a = ForecastEval.advice(runs);
        assertThat(a.get(0).fired()).isEqualTo(3);
        assertThat(a.get(0).onGeneralized()).isEqualTo(1);
        assertThat(a.get(0).generalized()).isEqualTo(3);
        assertThat(a.get(0).wrongShare()).isEqualTo(1.0 / 3);
        assertThat(a.get(0).onRandom()).isEqualTo(1);
        assertThat(a.get(1).kind()).isEqualTo("softmax collapse");
        assertThat(a.get(1).fired()).isEqualTo(1);
        assertThat(a.get(1).onGeneralized()).isZero();
    }

    static Bank.Run with(Bank.Run r, Integer advisedAt, Integer collapseAt) {
        return new Bank.Run(
                r.id(),
                r.op(),
                r.p(),
                r.weightDecay(),
                r.optimizer(),
                r.model(),
                r.budget(),
                r.memorization(),
                r.generalization(),
                r.history(),
                advisedAt,
                collapseAt);
    }

    @Test
    void theCombinedFitWeighsEveryRunOnceAndBothOutcomesHalf() {
        List<Bank.Run> bank = handMadeBank();
        Map<Bank.Run, double[][]> feats = new java.util.LinkedHashMap<>();
        for (Bank.Run r : bank) {
            double[][] f = new double[100][];
            for (int k = 0; k < 100; k++) f[k] = Signals.at(r.history(), k, r.budget());
            feats.put(r, f);
        }
        List<ForecastEval.Sample> rows = ForecastEval.samples(bank, feats, null, ForecastEval.LeaveOut.OPERATION);
        double[] w = ForecastEval.balancedWeights(rows);
        // a generalizing run has rows up to step 600 (every third evaluation: 20 rows), the others all 100 (34 rows)
        Map<Bank.Run, Double> perRun = new HashMap<>();
        double pos = 0, neg = 0, sum = 0;
        for (int i = 0; i < w.length; i++) {
            perRun.merge(rows.get(i).run(), w[i], Double::sum);
            if (rows.get(i).y()) pos += w[i];
            else neg += w[i];
            sum += w[i];
        }
        assertThat(sum).isCloseTo(rows.size(), within(1e-9));
        assertThat(pos).isCloseTo(neg, within(1e-9));
        // 12 generalizing runs share one half, 16 others the other
        for (Bank.Run r : bank)
            assertThat(perRun.get(r)).isCloseTo(rows.size() / 2.0 / (r.generalized() ? 12 : 16), within(1e-9));
    }

    @Test
    void theProbabilityAddsTheBaseRateAtTheRunsProgressToTheSignalsLogOdds() {
        // all 12 generalizing runs of the hand-made bank generalize at step 600 of 1,000: until then 12 of the 28 runs
        // still open will, from 6 tenths on none of the 16 still open
        double[] rate = ForecastEval.baseRate(handMadeBank(), null, ForecastEval.LeaveOut.OPERATION);
        assertThat(rate).hasSize(10);
        for (int b = 0; b < 6; b++) assertThat(rate[b]).isEqualTo(12.5 / 29);
        for (int b = 6; b < 10; b++) assertThat(rate[b]).isEqualTo(0.5 / 17);
        assertThat(ForecastEval.baseRate(handMadeBank(), "random", ForecastEval.LeaveOut.OPERATION)[0])
                .as("random labels left out")
                .isEqualTo(12.5 / 25);
        Logistic.Model m = new Logistic.Model(
                Signals.NAMES.toArray(new String[0]), new double[Signals.NAMES.size()], filled(1), filled(0.5), -0.25);
        org.grokscope.analysis.Forecaster f =
                new org.grokscope.analysis.Forecaster(m, rate, 0.5, 0.1, 0.25, new double[] {1, 1, 1});
        Bank.Run g = handMadeBank().get(0);
        for (int k : new int[] {5, 30, 59, 60, 61, 95}) {
            double[] x = Signals.at(g.history(), k, 1000);
            double r = rate[Math.min(9, (int) Math.floor(x[Signals.NAMES.indexOf("progress")] * 10))];
            assertThat(f.probability(x))
                    .isCloseTo(1 / (1 + Math.exp(-(m.logOdds(x) + Math.log(r / (1 - r))))), within(1e-15));
        }
        double[] early = Signals.at(g.history(), 30, 1000), late = early.clone();
        late[Signals.NAMES.indexOf("progress")] = 0.9;
        assertThat(f.probability(late))
                .as("the same signals with less budget left")
                .isLessThan(f.probability(early));
    }

    static double[] filled(double v) {
        double[] a = new double[Signals.NAMES.size()];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void aFixedPredictorIsCheckedOnABankWithoutRefitting() {
        ForecastEval.Report r = ForecastEval.evaluate(handMadeBank());
        // the predictor fitted on the whole hand-made bank, checked on it: the Gini separates from step 210 on
        ForecastEval.Check c = ForecastEval.check(handMadeBank(), r.predictor());
        assertThat(c.runs()).isEqualTo(28);
        assertThat(c.generalized()).isEqualTo(12);
        ForecastEval.Result x = c.result();
        assertThat(x.auc()[1]).isEqualTo(1.0);
        assertThat(x.foldAuc25()).containsOnlyKeys("add", "mul", "random", "sub");
        assertThat(x.verdicts()).isEqualTo(12);
        assertThat(x.heldOutPrecision()).isEqualTo(1.0);
        assertThat(x.fpRandom()).isZero();
        assertThat(x.fpZeroWd()).isZero();
        assertThat(c.stalled()[1])
                .as("no run that generalizes is called stalled")
                .isZero();
        assertThat(c.etaCoverage()).isEqualTo(1.0);
        // a predictor that knows nothing (all weights 0) ranks nothing: every AUC one half, and no forming verdict
        Logistic.Model blank = new Logistic.Model(
                Signals.NAMES.toArray(new String[0]),
                new double[Signals.NAMES.size()],
                filled(1),
                new double[Signals.NAMES.size()],
                0);
        double[] rate = new double[10];
        java.util.Arrays.fill(rate, 0.3);
        ForecastEval.Check none = ForecastEval.check(
                handMadeBank(),
                new org.grokscope.analysis.Forecaster(blank, rate, 0.5, 0.1, 0.25, new double[] {1, 1, 1}));
        assertThat(none.result().auc()).containsExactly(0.5, 0.5, 0.5);
        assertThat(none.result().verdicts()).isZero();
    }

    @Test
    void theFilesDescribeTheEvaluationAndThePredictor() throws Exception {
        ForecastEval.Report r = ForecastEval.evaluate(handMadeBank());
        Path html = ForecastReport.write(tmp, "hand-made", r);
        assertThat(html).exists();
        var doc = Json.MAPPER.readTree(tmp.resolve("forecast.json").toFile());
        assertThat(doc.get("runs").asInt()).isEqualTo(28);
        assertThat(doc.get("results").size())
                .isEqualTo(Signals.NAMES.size()); // every signal but progress, and the combined
        assertThat(doc.get("precision_target").asDouble()).isEqualTo(ForecastEval.PRECISION);
        assertThat(doc.get("trade_off").size()).isEqualTo(ForecastEval.TRADE_OFF.length);
        for (var t : doc.get("trade_off"))
            assertThat(t.get("verdicts").asInt())
                    .as("the Gini separates at every target")
                    .isEqualTo(12);
        var model = Json.MAPPER.readTree(tmp.resolve("forecast-model.json").toFile());
        org.grokscope.analysis.Forecaster fc =
                Json.MAPPER.treeToValue(model.get("predictor"), org.grokscope.analysis.Forecaster.class);
        Logistic.Model m = fc.model();
        assertThat(List.of(m.features())).isEqualTo(Signals.NAMES);
        assertThat(fc.forming()).isBetween(0.0, 1.0);
        assertThat(fc.etaRatio()).hasSize(3);
        // the generalizing runs of the hand-made bank are alike: called forming at one step s after the Gini starts to
        // rise
        // (200), they generalize at 600; every quantile of the ETA ratio is 600 / s
        double s = 600 / fc.etaRatio()[1];
        assertThat(s).isBetween(210.0, 590.0);
        assertThat(Math.abs(s - Math.round(s / 10) * 10)).isLessThan(1e-6);
        assertThat(fc.etaRatio()[0]).isEqualTo(fc.etaRatio()[2]).isEqualTo(fc.etaRatio()[1]);
        // the predictor read back from its file assesses exactly as the one fitted
        for (Bank.Run x : handMadeBank().subList(0, 4))
            for (int k = 0; k < 100; k += 7) {
                var a = fc.assess(x.history(), k, 1000, k >= 2, null);
                var b = r.predictor().assess(x.history(), k, 1000, k >= 2, null);
                assertThat(a).isEqualTo(b);
            }
        // a generalizing run reads forming, with its expected step, before its test accuracy moves; a flat one never
        // does
        Bank.Run g0 = handMadeBank().get(0), f0 = handMadeBank().get(1);
        var formed = fc.assess(g0.history(), 40, 1000, true, null);
        assertThat(formed.verdict()).isEqualTo(org.grokscope.analysis.Forecaster.Verdict.FORMING);
        assertThat(formed.eta()).isCloseTo(400 * fc.etaRatio()[1], within(1e-6));
        for (int k = 2; k < 100; k++)
            assertThat(fc.assess(f0.history(), k, 1000, true, null).verdict())
                    .isNotEqualTo(org.grokscope.analysis.Forecaster.Verdict.FORMING);
        Bank.Run g = handMadeBank().get(0), f = handMadeBank().get(1);
        assertThat(m.probability(Signals.at(g.history(), 50, 1000)))
                .isGreaterThan(m.probability(Signals.at(f.history(), 50, 1000)));
        assertThat(Files.readString(html)).contains("Content-Security-Policy").contains("embed_gini");
    }

    @Test
    void theQuickBankRunsAndIsEvaluatedEndToEnd() throws Exception {
        Path bank = tmp.resolve("bank");
        assertThat(org.grokscope.cli.Main.execute("sweep", "--preset", "forecast-bank-quick", "--out", bank.toString()))
                .isZero();
        assertThat(org.grokscope.cli.Main.execute("forecast", "eval", bank.toString()))
                .isZero();
        var doc = Json.MAPPER.readTree(bank.resolve("forecast.json").toFile());
        assertThat(doc.get("runs").asInt()).isEqualTo(10);
        assertThat(doc.get("random_runs").asInt()).isEqualTo(4);
        assertThat(doc.get("generalized").asInt()).isBetween(1, 5);
        assertThat(doc.get("folds").toString()).isEqualTo("[\"add\",\"mul\",\"random\"]");
        for (var r : doc.get("results"))
            for (var a : r.get("auc"))
                if (!a.isNull())
                    assertThat(a.asDouble()).as(r.get("name").asText()).isBetween(0.0, 1.0);
        String dom = org.grokscope.report.ReportInBrowserTest.dumpDom(bank.resolve("forecast.html"));
        assertThat(dom).contains("combined (logistic)").contains("embed_gini").contains("<canvas");
        assertThat(org.grokscope.cli.Main.execute(
                        "forecast", "eval", tmp.resolve("nothing").toString()))
                .isEqualTo(2);
        assertThat(org.grokscope.cli.Main.execute("forecast", "eval", bank.toString(), "--leave-out", "prime"))
                .as("one prime: nothing to leave out")
                .isEqualTo(2);
        assertThat(org.grokscope.cli.Main.execute("forecast", "eval", bank.toString(), "--leave-out", "seed"))
                .isEqualTo(2);
        assertThat(org.grokscope.cli.Main.execute("forecast", "eval", bank.toString(), "--precision", "1.5"))
                .isEqualTo(2);
        // the shipped predictor checked on the same bank, and the predictor this evaluation fitted, read back from its
        // file
        assertThat(org.grokscope.cli.Main.execute("forecast", "check", bank.toString()))
                .isZero();
        var check = Json.MAPPER.readTree(bank.resolve("forecast-check.json").toFile());
        assertThat(check.get("runs").asInt()).isEqualTo(10);
        assertThat(check.get("result").get("fp_random").asDouble()).isZero();
        assertThat(org.grokscope.cli.Main.execute(
                        "forecast",
                        "check",
                        bank.toString(),
                        "--predictor",
                        bank.resolve("forecast-model.json").toString(),
                        "--out",
                        tmp.resolve("own").toString()))
                .isZero();
        assertThat(tmp.resolve("own").resolve("forecast-check.json")).exists();
        // a file that is not a predictor, and one fitted on other signals: one clear error each, nothing written
        Files.writeString(tmp.resolve("not.json"), "{\"kind\": \"logistic\"}");
        assertThat(org.grokscope.cli.Main.execute(
                        "forecast",
                        "check",
                        bank.toString(),
                        "--predictor",
                        tmp.resolve("not.json").toString(),
                        "--out",
                        tmp.resolve("bad1").toString()))
                .isEqualTo(2);
        String other = Files.readString(bank.resolve("forecast-model.json"))
                .replace("\"test_loss_slope_recent\"", "\"some_old_signal\"");
        Files.writeString(tmp.resolve("other.json"), other);
        assertThat(org.grokscope.cli.Main.execute(
                        "forecast",
                        "check",
                        bank.toString(),
                        "--predictor",
                        tmp.resolve("other.json").toString(),
                        "--out",
                        tmp.resolve("bad2").toString()))
                .isEqualTo(2);
        assertThat(tmp.resolve("bad1")).doesNotExist();
        assertThat(tmp.resolve("bad2")).doesNotExist();
    }
}
