package org.grokscope.data;

/**
 * How a value from a file appears in a message: at most a short excerpt, with control characters (NUL bytes of a binary
 * file, a terminal escape) written as escapes, so a message can neither grow with the input (a 200 MB one-line CSV) nor
 * print what a file holds beyond a glimpse (a secret file passed as a config).
 */
public final class Excerpt {
    public static final int MAX = 60;

    private Excerpt() {}

    public static String of(Object value) {
        return of(String.valueOf(value), MAX);
    }

    public static String of(String s, int max) {
        StringBuilder b = new StringBuilder();
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        if (s.length() > max) b.append("… (").append(s.length()).append(" characters)");
        return b.toString();
    }
}
