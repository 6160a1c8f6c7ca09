package dev.wrenn.sdk.process;

import java.nio.charset.StandardCharsets;

/** What a running process's stream delivers, in order: its start, output chunks as produced, its exit (last). */
public sealed interface ProcessEvent {
    record Started(long pid) implements ProcessEvent {}

    /** A chunk of standard output; {@link #text()} reads it as UTF-8. */
    record Stdout(byte[] data) implements ProcessEvent, Output {}

    record Stderr(byte[] data) implements ProcessEvent, Output {}

    /** Output of a process on a terminal. */
    record Pty(byte[] data) implements ProcessEvent, Output {}

    /** The end: 128+N after signal N. */
    record Exited(int exitCode) implements ProcessEvent {}

    /** An output chunk, whichever stream it came on. */
    interface Output {
        byte[] data();

        default String text() {
            return new String(data(), StandardCharsets.UTF_8);
        }
    }
}
