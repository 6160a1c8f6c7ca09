package dev.wrenn.controlplane.host;

/**
 * A template the host holds: a base image it was built with, or a saved sandbox. {@code manifestSha256}: a base
 * image's manifest hash (what it was built from), empty otherwise.
 */
public record HostTemplate(String name, boolean base, int vcpus, int memoryMb, long sizeBytes, String manifestSha256) {}
