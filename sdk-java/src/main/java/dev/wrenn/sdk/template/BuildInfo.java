package dev.wrenn.sdk.template;

import java.time.Instant;

/**
 * A template build: its status and steps ({@code stepsCached} came from cached layers, {@code stepsRun} were run),
 * and when it failed, the recipe line and why.
 */
public record BuildInfo(
        String id,
        String name,
        BuildStatus status,
        String from,
        int vcpus,
        int memoryMb,
        int diskMb,
        boolean noCache,
        int stepsTotal,
        int stepsCached,
        int stepsRun,
        Integer failedLine,
        String error,
        String recipe,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {}
