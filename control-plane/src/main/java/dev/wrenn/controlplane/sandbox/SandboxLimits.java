package dev.wrenn.controlplane.sandbox;

/** Bounds on what one sandbox may ask for; requests outside them are 400s. */
public record SandboxLimits(int maxVcpus, int minMemoryMb, int maxMemoryMb, int maxTimeoutSec, int maxExecTimeoutSec) {}
