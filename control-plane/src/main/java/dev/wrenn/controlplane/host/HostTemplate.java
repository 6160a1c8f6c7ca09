package dev.wrenn.controlplane.host;

/** A template the host holds: a base image it was built with, or a saved sandbox. */
public record HostTemplate(String name, boolean base, int vcpus, int memoryMb, long sizeBytes) {}
