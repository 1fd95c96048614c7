package org.grokscope.data.text;

/** A problem with a dataset file: the message names the file, and the line or archive entry where known. */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "file:line: message" (line 0 = the file as a whole). */
    public static DataException at(String file, long line, String message) {
        return new DataException(file + (line > 0 ? ":" + line : "") + ": " + message);
    }
}
