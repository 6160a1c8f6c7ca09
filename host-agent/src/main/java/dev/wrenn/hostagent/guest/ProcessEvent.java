package dev.wrenn.hostagent.guest;

/** One line of the guest agent's /process NDJSON stream. */
public sealed interface ProcessEvent {
    record Started(long pid) implements ProcessEvent {}

    record Stdout(byte[] data) implements ProcessEvent {}

    record Stderr(byte[] data) implements ProcessEvent {}

    record Exited(int exitCode, boolean timedOut, boolean killed) implements ProcessEvent {}

    record Failed(String message) implements ProcessEvent {}

    default boolean isTerminal() {
        return this instanceof Exited || this instanceof Failed;
    }
}
