package org.grokscope.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.grokscope.run.AtomicFiles;
import org.grokscope.run.Metrics;
import org.grokscope.run.RunSummary;
import org.grokscope.train.Evaluation;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The picture of a grokking run: train/test accuracy and loss against step (log scale), milestones marked. */
public final class LearningCurves {
    private static final Color TRAIN = new Color(0x1f77b4), TEST = new Color(0xd62728), NORM = new Color(0x7f7f7f);

    private LearningCurves() {}

    public static void write(Path metricsCsv, RunSummary summary, String title, Path png) throws IOException {
        List<Evaluation> evals = Metrics.read(metricsCsv);
        JFreeChart chart = chart(evals, summary, title);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(bytes, chart, 1000, 700);
        AtomicFiles.write(png, bytes.toByteArray());
    }

    static JFreeChart chart(List<Evaluation> evals, RunSummary s, String title) {
        XYSeries trA = new XYSeries("train accuracy"), teA = new XYSeries("test accuracy");
        XYSeries trL = new XYSeries("train loss"),
                teL = new XYSeries("test loss"),
                norm = new XYSeries("weight norm ‖θ‖₂");
        for (Evaluation e : evals) {
            double x = e.step() + 1; // log axis: step 0 drawn at 1
            trA.add(x, e.trainAcc());
            teA.add(x, e.testAcc());
            if (e.trainLoss() > 0 && Double.isFinite(e.trainLoss())) trL.add(x, e.trainLoss());
            if (e.testLoss() > 0 && Double.isFinite(e.testLoss())) teL.add(x, e.testLoss());
            norm.add(x, e.l2Norm());
        }
        LogAxis steps = new LogAxis("step (log scale; step 0 drawn at 1)");
        steps.setSmallestValue(1);
        steps.setTickUnit(new NumberTickUnit(1.0)); // one tick per power of ten
        steps.setNumberFormatOverride(new DecimalFormat("#,##0"));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(steps);
        plot.setGap(12);

        NumberAxis accAxis = new NumberAxis("accuracy");
        accAxis.setRange(0, 1.02);
        XYPlot acc = new XYPlot(new XYSeriesCollection(trA), null, accAxis, renderer(TRAIN));
        acc.setDataset(1, new XYSeriesCollection(teA));
        acc.setRenderer(1, renderer(TEST));
        if (s != null) {
            mark(acc, s.memorizationStep(), "memorized", TRAIN, false);
            mark(acc, s.generalizationStep(), "generalized", TEST, true);
        }

        LogAxis lossAxis = new LogAxis("loss");
        lossAxis.setSmallestValue(1e-8);
        lossAxis.setTickUnit(new NumberTickUnit(1.0));
        lossAxis.setNumberFormatOverride(new DecimalFormat("0.#E0"));
        XYPlot loss = new XYPlot(new XYSeriesCollection(trL), null, lossAxis, renderer(TRAIN));
        loss.setDataset(1, new XYSeriesCollection(teL));
        loss.setRenderer(1, renderer(TEST));

        NumberAxis normAxis = new NumberAxis("‖θ‖₂");
        normAxis.setAutoRangeIncludesZero(false);
        XYPlot np = new XYPlot(new XYSeriesCollection(norm), null, normAxis, renderer(NORM));

        plot.add(acc, 3);
        plot.add(loss, 2);
        plot.add(np, 1);
        for (XYPlot p : List.of(acc, loss, np)) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(new Color(0xdddddd));
            p.setRangeGridlinePaint(new Color(0xdddddd));
        }
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (s != null) {
            String sub = s.grokkingGap() != null
                    ? String.format(
                            java.util.Locale.ROOT,
                            "memorized (train ≥ %.0f%%) at step %d, generalized (test ≥ %.0f%%) at step %d: gap %d steps",
                            100 * s.memorizationThreshold(),
                            s.memorizationStep(),
                            100 * s.generalizationThreshold(),
                            s.generalizationStep(),
                            s.grokkingGap())
                    : String.format(
                            java.util.Locale.ROOT,
                            "final train %.1f%%, test %.1f%%",
                            100 * s.finalTrainAcc(),
                            100 * s.finalTestAcc());
            chart.addSubtitle(new TextTitle(sub, new Font("SansSerif", Font.PLAIN, 12)));
        }
        return chart;
    }

    private static XYLineAndShapeRenderer renderer(Color c) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, c);
        r.setSeriesStroke(0, new BasicStroke(2f));
        return r;
    }

    private static void mark(XYPlot p, Integer step, String label, Color c, boolean labelLeft) {
        if (step == null) return;
        ValueMarker m = new ValueMarker(
                step + 1,
                c,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
        m.setLabel(label + " (" + step + ")");
        m.setLabelAnchor(labelLeft ? RectangleAnchor.BOTTOM_LEFT : RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(labelLeft ? TextAnchor.BOTTOM_RIGHT : TextAnchor.TOP_LEFT);
        m.setLabelPaint(c);
        p.addDomainMarker(m);
    }
}
