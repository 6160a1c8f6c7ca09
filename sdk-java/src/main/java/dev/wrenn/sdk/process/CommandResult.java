package dev.wrenn.sdk.process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * How a command ended: its output as bytes (any bytes; {@link #stdout()} reads them as UTF-8), its exit code, and
 * whether its timeout killed it ({@code exitCode} is then -1 for a run, or what the stopped process reported for
 * a streamed run).
 */
public record CommandResult(byte[] stdoutBytes, byte[] stderrBytes, int exitCode, boolean timedOut, Duration duration) {
    public CommandResult {
        stdoutBytes = stdoutBytes.clone();
        stderrBytes = stderrBytes.clone();
    }

    public String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    public String stderr() {
        return new String(stderrBytes, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] stdoutBytes() {
        return stdoutBytes.clone();
    }

    @Override
    public byte[] stderrBytes() {
        return stderrBytes.clone();
    }

    /** Exit code 0, in time. */
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommandResult r
                && Arrays.equals(stdoutBytes, r.stdoutBytes)
                && Arrays.equals(stderrBytes, r.stderrBytes)
                && exitCode == r.exitCode
                && timedOut == r.timedOut
                && duration.equals(r.duration);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(stdoutBytes) + Arrays.hashCode(stderrBytes) + exitCode;
    }

    @Override
    public String toString() {
        return "CommandResult[exitCode=" + exitCode + ", timedOut=" + timedOut + ", duration=" + duration + ", stdout="
                + stdout() + ", stderr=" + stderr() + "]";
    }
}
