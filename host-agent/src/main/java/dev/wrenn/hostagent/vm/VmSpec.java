package dev.wrenn.hostagent.vm;

import java.nio.file.Path;

/** Everything an engine needs to start one VM. The disk is the sandbox's own overlay. */
public record VmSpec(
        String name,
        Path dir,
        GuestImage image,
        Path disk,
        int vcpus,
        int memoryMb,
        String extraCmdline,
        String netns,
        String tap,
        String mac) {}
