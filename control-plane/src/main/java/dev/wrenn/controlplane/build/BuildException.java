package dev.wrenn.controlplane.build;

/** A build that cannot go on: its message is what the build's log and status say, as the user should read it. */
public final class BuildException extends RuntimeException {
    public BuildException(String message) {
        super(message);
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
