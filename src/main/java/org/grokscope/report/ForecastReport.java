package org.grokscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.grokscope.config.Json;
import org.grokscope.forecast.ForecastEval;
import org.grokscope.run.AtomicFiles;

/**
 * The forecast evaluation as files: forecast.json (every number of the table, the ROC points at 25 % and the lead
 * times), forecast-model.json (the combined predictor fitted on the whole bank, with its verdict threshold) and
 * forecast.html (the table, ROC curves and the lead-time distribution; self-contained, Chart.js inlined, hashed CSP).
 */
public final class ForecastReport {
    private ForecastReport() {}

    public static ObjectNode json(String bank, ForecastEval.Report r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("bank", bank);
        o.put("runs", r.runs());
        o.put("generalized", r.generalized());
        o.put("random_runs", r.randomRuns());
        o.put("combined", ForecastEval.COMBINED);
        ArrayNode points = o.putArray("decision_points");
        for (double p : ForecastEval.POINTS) points.add(p);
        o.put("leave_out", r.leaveOut().name().toLowerCase(java.util.Locale.ROOT));
        o.set("folds", Json.MAPPER.valueToTree(r.folds()));
        stalled(o, r.stalled());
        num(o, "eta_interval_coverage", r.etaCoverage());
        num(o, "eta_median_error", r.etaError());
        o.put("precision_target", r.precision());
        ArrayNode trade = o.putArray("trade_off");
        for (ForecastEval.Result x : r.tradeOff()) {
            ObjectNode e = trade.addObject();
            e.put("precision_target", x.precisionTarget());
            num(e, "held_out_precision", x.heldOutPrecision());
            e.put("verdicts", x.verdicts());
            num(e, "fp_random", x.fpRandom());
            num(e, "fp_zero_wd", x.fpZeroWd());
            num(e, "median_lead_steps", x.medianLeadSteps());
            num(e, "median_lead_fraction", x.medianLeadFraction());
        }
        ArrayNode res = o.putArray("results");
        for (ForecastEval.Result x : r.results()) result(res.addObject(), x);
        return o;
    }

    /**
     * One candidate's numbers: AUC at the decision points, false positives, verdicts, lead, ROC at 25 %, per-group AUC,
     * calibration.
     */
    static void result(ObjectNode e, ForecastEval.Result x) {
        e.put("name", x.name());
        ArrayNode auc = e.putArray("auc");
        for (double a : x.auc())
            if (Double.isFinite(a)) auc.add(a);
            else auc.addNull();
        num(e, "fp_random", x.fpRandom());
        e.put("random_runs", x.randomRuns());
        num(e, "fp_zero_wd", x.fpZeroWd());
        e.put("zero_wd_runs", x.zeroWdRuns());
        num(e, "held_out_precision", x.heldOutPrecision());
        e.put("verdicts", x.verdicts());
        num(e, "median_lead_steps", x.medianLeadSteps());
        num(e, "median_lead_fraction", x.medianLeadFraction());
        e.set("lead_steps", Json.MAPPER.valueToTree(x.leadSteps()));
        e.set("lead_fractions", Json.MAPPER.valueToTree(x.leadFractions()));
        e.set("roc25", Json.MAPPER.valueToTree(x.roc25()));
        ObjectNode folds = e.putObject("fold_auc25");
        x.foldAuc25().forEach((k, v) -> num(folds, k, v));
        num(e, "brier", x.brier());
        e.set("reliability", Json.MAPPER.valueToTree(x.reliability()));
        ObjectNode al = e.putObject("alarms");
        al.put("generalized", x.alarms().generalized());
        al.put("others", x.alarms().others());
        num(al, "lowest_false_alarm", x.alarms().lowestFalseAlarm());
        ArrayNode pts = al.putArray("points");
        for (org.grokscope.forecast.Alarms.Point p : x.alarms().points()) {
            ObjectNode q = pts.addObject();
            q.put("false_alarm_target", p.target());
            num(q, "threshold", p.threshold());
            num(q, "false_alarm", p.falseAlarm());
            num(q, "catch_rate", p.catchRate());
            q.put("caught", p.caught());
            num(q, "median_lead_steps", p.leadSteps());
            num(q, "median_lead_fraction", p.leadFraction());
        }
        int[] d = x.directionHolds();
        ObjectNode dir = e.putObject("direction_holds");
        dir.put("groups", d[0]);
        dir.put("of", d[1]);
    }

    /** A fixed predictor checked on a bank it was not fitted on (forecast-check.json). */
    public static ObjectNode checkJson(String bank, String predictor, ForecastEval.Check c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("bank", bank);
        o.put("predictor", predictor);
        o.put("runs", c.runs());
        o.put("generalized", c.generalized());
        o.put("random_runs", c.randomRuns());
        ArrayNode points = o.putArray("decision_points");
        for (double p : ForecastEval.POINTS) points.add(p);
        stalled(o, c.stalled());
        num(o, "eta_interval_coverage", c.etaCoverage());
        num(o, "eta_median_error", c.etaError());
        ArrayNode adv = o.putArray("advice");
        for (ForecastEval.Advice a : c.advice()) {
            ObjectNode e = adv.addObject();
            e.put("kind", a.kind());
            e.put("fired", a.fired());
            e.put("on_generalized", a.onGeneralized());
            e.put("generalized", a.generalized());
            num(e, "wrong_share", a.wrongShare());
            e.put("on_random", a.onRandom());
            e.put("random", a.random());
        }
        result(o.putObject("result"), c.result());
        return o;
    }

    // stalled verdicts: fired, on runs that generalized after all, on random-label runs
    static void stalled(ObjectNode o, int[] s) {
        ObjectNode st = o.putObject("stalled");
        st.put("fired", s[0]);
        st.put("generalized_after_all", s[1]);
        st.put("random_label_runs", s[2]);
    }

    // JSON has no NaN or infinity: a number that does not exist is null
    static void num(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }

    /** Writes the three files into {@code dir}; returns the HTML's path. */
    public static Path write(Path dir, String bank, ForecastEval.Report r) throws IOException {
        ObjectNode doc = json(bank, r);
        AtomicFiles.writeString(dir.resolve("forecast.json"), Json.MAPPER.writeValueAsString(doc) + "\n");
        ObjectNode model = Json.MAPPER.createObjectNode();
        model.put("kind", "logistic");
        model.put("target", "generalizes within the run's step budget");
        model.put("bank", bank);
        model.set("predictor", Json.MAPPER.valueToTree(r.predictor()));
        AtomicFiles.writeString(dir.resolve("forecast-model.json"), Json.MAPPER.writeValueAsString(model) + "\n");
        String html;
        try (InputStream in = ForecastReport.class.getResourceAsStream("/report/forecast-report.html");
                InputStream cj = ForecastReport.class.getResourceAsStream(
                        "/META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js")) {
            if (in == null || cj == null) throw new IOException("report template or Chart.js missing from the jar");
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("/*CHART_JS*/", new String(cj.readAllBytes(), StandardCharsets.UTF_8))
                    .replace("/*DATA*/", ScriptJson.of(doc));
        }
        Path out = dir.resolve("forecast.html");
        AtomicFiles.writeString(out, SweepReport.withPolicy(html));
        return out;
    }
}
