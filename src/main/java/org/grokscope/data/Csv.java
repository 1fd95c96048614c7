package org.grokscope.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.grokscope.data.text.DataException;

/**
 * RFC 4180 records: quoted fields may hold the separator, doubled quotes and line breaks. Blank lines are skipped; each
 * record knows the line it began on, for errors that name file and line. Shared by the text reader (CSV) and numeric
 * tables (CSV, TSV).
 */
public final class Csv {
    /** Where a record that cannot be parsed goes when the caller skips such records instead of stopping. */
    public interface Problem {
        void skipped(String where);
    }

    private final Reader r;
    private final String label;
    private final char sep;
    private long line = 1, recordLine;
    private int peeked = -2;

    /** Comma-separated records from {@code r}; {@code label} names the source in errors. */
    public Csv(Reader r, String label) {
        this(r, label, ',');
    }

    /** Records whose fields are separated by {@code sep} (',' for CSV, '\t' for TSV). */
    public Csv(Reader r, String label, char sep) {
        this.r = r instanceof BufferedReader ? r : new BufferedReader(r, 1 << 16);
        this.label = label;
        this.sep = sep;
    }

    /** The line on which the last record returned began. */
    public long recordLine() {
        return recordLine;
    }

    private int read() throws IOException {
        if (peeked != -2) {
            int c = peeked;
            peeked = -2;
            return c;
        }
        return r.read();
    }

    /**
     * The next record, or null at the end; a broken quote is an error (or skipped, into skipInto, when that is given).
     */
    public List<String> next(Problem skipInto) throws IOException {
        while (true) {
            int c = read();
            if (c < 0) return null;
            recordLine = line;
            if (c == '\n') {
                line++;
                continue;
            } // blank line
            if (c == '\r') {
                int d = read();
                if (d != '\n') peeked = d;
                line++;
                continue;
            }
            List<String> out = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            boolean broken = false;
            while (true) {
                if (c == '"' && f.length() == 0) {
                    // quoted field
                    while (true) {
                        int d = read();
                        if (d < 0)
                            throw DataException.at(
                                    label, recordLine, "unterminated quoted field (opened on this line)");
                        if (d == '\n') line++;
                        if (d == '"') {
                            int e = read();
                            if (e == '"') {
                                f.append('"');
                                continue;
                            }
                            c = e;
                            break;
                        }
                        f.append((char) d);
                    }
                    if (c != sep && c != '\n' && c != '\r' && c >= 0) {
                        broken = true; // text after a closing quote: skip to the end of the line
                        while (c >= 0 && c != '\n') c = read();
                    }
                } else {
                    while (c >= 0 && c != sep && c != '\n' && c != '\r') {
                        f.append((char) c);
                        c = read();
                    }
                }
                out.add(f.toString());
                f.setLength(0);
                if (c == sep) {
                    c = read();
                    continue;
                }
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') peeked = d;
                }
                if (c == '\n' || c == '\r') line++;
                break;
            }
            if (broken) {
                String msg = label + ":" + recordLine
                        + ": text after a closing quote (a quote inside a field must be doubled)";
                if (skipInto == null) throw new DataException(msg);
                skipInto.skipped(msg);
                continue;
            }
            return out;
        }
    }
}
