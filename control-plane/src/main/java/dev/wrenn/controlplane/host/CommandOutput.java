package dev.wrenn.controlplane.host;

/** The captured result of a command run to completion; {@code exitCode} is -1 when it timed out. */
public record CommandOutput(byte[] stdout, byte[] stderr, int exitCode, long durationMs, boolean timedOut) {}
