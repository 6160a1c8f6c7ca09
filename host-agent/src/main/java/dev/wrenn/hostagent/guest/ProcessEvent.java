package dev.wrenn.hostagent.guest;

/** One event of a process in the guest: its start, its output, its end. */
public sealed interface ProcessEvent {
    record Started(long pid) implements ProcessEvent {}

    record Stdout(byte[] data) implements ProcessEvent {}

    record Stderr(byte[] data) implements ProcessEvent {}

    /** Output of a process that runs on a terminal (stdout and stderr are one stream there). */
    record Terminal(byte[] data) implements ProcessEvent {}

    /** The process ended: its exit code, or 128 + N when signal N killed it. */
    record Exited(int exitCode) implements ProcessEvent {}

    record Failed(String message) implements ProcessEvent {}

    default boolean isTerminal() {
        return this instanceof Exited || this instanceof Failed;
    }
}
