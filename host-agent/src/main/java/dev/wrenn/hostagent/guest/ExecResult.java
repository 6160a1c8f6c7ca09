package dev.wrenn.hostagent.guest;

public record ExecResult(
        byte[] stdout, byte[] stderr, int exitCode, long durationMs, boolean timedOut, boolean truncated) {}
