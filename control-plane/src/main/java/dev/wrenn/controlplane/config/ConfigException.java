package dev.wrenn.controlplane.config;

/** A configuration the server refuses to start with; the message names the variable to fix. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
