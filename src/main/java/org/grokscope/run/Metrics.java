package org.grokscope.run;

import java.util.Locale;
import org.grokscope.train.Evaluation;

/** The metrics.csv format: one row per evaluation. Deterministic text, so reruns compare byte for byte. */
public final class Metrics {
    public static final String HEADER =
            "step,lr,train_loss,train_acc,test_loss,test_acc,reg_loss,l2_norm,linf_norm,dist_from_init";
    public static final int BASE_COLUMNS = 10;
    /**
     * Softmax-collapse shares of the training set, written after the base columns at every evaluation (files written
     * before grokscope measured them lack these columns; readers look columns up by name).
     */
    public static final java.util.List<String> COLLAPSE_COLUMNS =
            java.util.List.of("zero_loss_share", "zero_grad_share", "softmax_one_share");

    /** The cells of the collapse columns, each preceded by a comma; an unmeasured share is an empty cell. */
    public static String collapseCells(Evaluation e) {
        Evaluation.Collapse c = e.collapse();
        return "," + cell(c.zeroLoss()) + "," + cell(c.zeroGrad()) + "," + cell(c.softmaxOne());
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : num(v);
    }

    private Metrics() {}

    public static String row(Evaluation e) {
        return e.step() + "," + num(e.lr()) + "," + num(e.trainLoss()) + "," + num(e.trainAcc()) + ","
                + num(e.testLoss()) + "," + num(e.testAcc()) + "," + num(e.regLoss()) + "," + num(e.l2Norm()) + ","
                + num(e.linfNorm()) + "," + num(e.distFromInit());
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        return String.format(Locale.ROOT, "%.8g", v)
                .replaceAll("(\\.\\d*?)0+($|e)", "$1$2")
                .replace(".e", "e")
                .replaceAll("\\.$", "");
    }

    /** A metrics.csv as written: its columns, and each data row's cells with the line it is on (1-based). */
    public record Table(java.util.List<String> columns, java.util.List<String[]> rows, java.util.List<Integer> lines) {
        public static final Table EMPTY = new Table(java.util.List.of(), java.util.List.of(), java.util.List.of());
    }

    /**
     * The one reading of metrics.csv text that every reader shares: the header's columns, then every non-blank line
     * split into cells (a line may hold fewer cells than the header: files from before a column existed). The writer
     * appends whole lines while readers read ({@link RunDirectory}), so a last line without its newline is a row still
     * being written, or one a crash cut short: it is not a row yet, and no reader takes it.
     */
    public static Table table(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || lines[0].isBlank() || lines.length == 1)
            return Table.EMPTY; // not even the header is whole
        java.util.List<String[]> rows = new java.util.ArrayList<>();
        java.util.List<Integer> at = new java.util.ArrayList<>();
        for (int i = 1;
                i < lines.length - 1;
                i++) { // lines[length - 1] follows the last newline: "" or an unterminated row
            String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (l.isBlank()) continue;
            rows.add(l.split(",", -1));
            at.add(i + 1);
        }
        return new Table(java.util.List.of(strip(lines[0]).split(",", -1)), rows, at);
    }

    private static String strip(String l) {
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    /**
     * A metrics file's table, its bytes decoded as UTF-8 with anything else shown as U+FFFD (a damaged file shows what
     * it can).
     */
    public static Table readTable(java.nio.file.Path file) throws java.io.IOException {
        return table(java.nio.charset.StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file)))
                .toString());
    }

    /**
     * A metrics file's table, refusing bytes that are not UTF-8 with a message naming the file (for readers that
     * compute from it).
     */
    public static Table readStrict(java.nio.file.Path file) throws java.io.IOException {
        try {
            return table(java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.nio.charset.CharacterCodingException e) { // the JDK says only "Input length = 1"
            throw new java.io.IOException(
                    file + ": not a metrics file (not UTF-8 text; damaged, or some other file in its place)", e);
        }
    }

    /** A row's cells as the line they came from. */
    public static String line(String[] cells) {
        return String.join(",", cells);
    }

    /**
     * A cell's number, in the one meaning every reader gives it: "inf" and "-inf" are ±∞; "nan", an empty cell and text
     * are NaN.
     */
    public static double number(String cell) {
        if (cell.isEmpty()) return Double.NaN;
        try {
            return parse(cell);
        } catch (NumberFormatException e) {
            return Double.NaN; // a text column (key frequencies, a state)
        }
    }

    /** Whether a cell is a number as the writer spells them (nan, inf and -inf included), not text. */
    public static boolean numeric(String cell) {
        if (cell.equals("nan") || cell.equals("inf") || cell.equals("-inf")) return true;
        try {
            Double.parseDouble(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static double parse(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /**
     * Every row of a metrics.csv file; a damaged row is an IOException naming file and line, not a
     * NumberFormatException.
     */
    public static java.util.List<Evaluation> read(java.nio.file.Path file) throws java.io.IOException {
        Table t = readStrict(file);
        java.util.List<Evaluation> out = new java.util.ArrayList<>();
        for (int r = 0; r < t.rows().size(); r++)
            out.add(parseRow(file, t.lines().get(r), t.rows().get(r)));
        return out;
    }

    /** {@link #parseCells} with the file and line for the message when the row is damaged. */
    public static Evaluation parseRow(java.nio.file.Path file, int line, String[] cells) throws java.io.IOException {
        try {
            return parseCells(cells);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new java.io.IOException(file + ":" + line + ": a damaged metrics row ("
                    + org.grokscope.data.Excerpt.of(e.getMessage()) + ")");
        }
    }

    /** The first ten columns of a row (probe columns, if any, follow them). */
    public static Evaluation parseRow(String line) {
        return parseCells(line.split(",", -1));
    }

    /** The first ten cells of a row as an evaluation (a table's rows come split already). */
    public static Evaluation parseCells(String[] f) {
        if (f.length < 10) throw new IllegalArgumentException("expected at least 10 columns, got " + f.length);
        return new Evaluation(
                Integer.parseInt(f[0]),
                parse(f[1]),
                parse(f[2]),
                parse(f[3]),
                parse(f[4]),
                parse(f[5]),
                parse(f[6]),
                parse(f[7]),
                parse(f[8]),
                parse(f[9]));
    }
}
