package dev.wrenn.sdk.terminal;

/** What a terminal delivers: the screen's bytes as the shell writes them, then the shell's exit (last). */
public sealed interface TerminalEvent {
    record Output(byte[] data) implements TerminalEvent {}

    record Exited(int exitCode) implements TerminalEvent {}
}
