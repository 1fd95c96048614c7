package org.grokscope.config;

/** A user-facing configuration error; the message names the source, line and field. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
