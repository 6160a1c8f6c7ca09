package dev.wrenn.settings;

/** Settings that cannot be read: the message names the file and line, for the operator to fix. */
public final class SettingsException extends IllegalArgumentException {
    public SettingsException(String message) {
        super(message);
    }
}
