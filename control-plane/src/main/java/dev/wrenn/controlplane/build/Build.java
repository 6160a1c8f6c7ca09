package dev.wrenn.controlplane.build;

import java.time.Instant;

/**
 * One build of a template from a recipe, as stored: what it was asked ({@code recipe}, its context's
 * hash, the resources) and how far it got. {@code failedStep} is the recipe line that failed.
 */
public record Build(
        String id,
        String teamId,
        String name,
        String status,
        String recipe,
        String base,
        String contextSha256,
        int vcpus,
        int memoryMb,
        int diskMb,
        boolean noCache,
        int stepsTotal,
        int stepsCached,
        int stepsRun,
        Integer failedStep,
        String error,
        String templateId,
        String sandboxId,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {
    public static final String QUEUED = "queued";
    public static final String BUILDING = "building";
    public static final String READY = "ready";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public boolean finished() {
        return status.equals(READY) || status.equals(FAILED) || status.equals(CANCELLED);
    }
}
