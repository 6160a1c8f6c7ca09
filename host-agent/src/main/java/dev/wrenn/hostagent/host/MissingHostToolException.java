package dev.wrenn.hostagent.host;

/** A program the host agent needs is not installed; the message names the Debian package. */
public final class MissingHostToolException extends IllegalStateException {
    public MissingHostToolException(String message) {
        super(message);
    }
}
