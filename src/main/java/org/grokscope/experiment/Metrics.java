package org.grokscope.experiment;

import java.util.Locale;
import org.grokscope.train.Evaluation;

/** The metrics.csv format: one row per evaluation. Deterministic text, so reruns compare byte for byte. */
public final class Metrics {
    public static final String HEADER = "step,lr,train_loss,train_acc,test_loss,test_acc,reg_loss,l2_norm,linf_norm,dist_from_init";
    public static final int BASE_COLUMNS = 10;
    /**
     * Softmax-collapse shares of the training set, written after the base columns at every evaluation (files
     * written before grokscope measured them lack these columns; readers look columns up by name).
     */
    public static final java.util.List<String> COLLAPSE_COLUMNS = java.util.List.of("zero_loss_share", "zero_grad_share", "softmax_one_share");

    /** The cells of the collapse columns, each preceded by a comma; an unmeasured share is an empty cell. */
    public static String collapseCells(Evaluation e) {
        Evaluation.Collapse c = e.collapse();
        return "," + cell(c.zeroLoss()) + "," + cell(c.zeroGrad()) + "," + cell(c.softmaxOne());
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : num(v);
    }

    /** Columns after the base ones in a metrics.csv header line: the collapse shares (if present), then the probes. */
    public static java.util.List<String> probeColumns(String header) {
        String[] f = header.split(",", -1);
        return java.util.Arrays.asList(f).subList(Math.min(BASE_COLUMNS, f.length), f.length);
    }

    private Metrics() {}

    public static String row(Evaluation e) {
        return e.step() + "," + num(e.lr()) + "," + num(e.trainLoss()) + "," + num(e.trainAcc()) + "," + num(e.testLoss())
                + "," + num(e.testAcc()) + "," + num(e.regLoss()) + "," + num(e.l2Norm()) + "," + num(e.linfNorm()) + "," + num(e.distFromInit());
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        return String.format(Locale.ROOT, "%.8g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }

    static double parse(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** The first ten columns of a row (probe columns, if any, follow them). */
    public static Evaluation parseRow(String line) {
        String[] f = line.split(",", -1);
        if (f.length < 10) throw new IllegalArgumentException("expected at least 10 columns, got " + f.length);
        return new Evaluation(Integer.parseInt(f[0]), parse(f[1]), parse(f[2]), parse(f[3]), parse(f[4]), parse(f[5]),
                parse(f[6]), parse(f[7]), parse(f[8]), parse(f[9]));
    }
}
