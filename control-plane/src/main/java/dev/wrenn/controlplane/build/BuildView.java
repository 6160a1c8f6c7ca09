package dev.wrenn.controlplane.build;

import java.time.Instant;

/** A build as the API shows it (api/openapi.yaml, TemplateBuild): never its recipe's context. */
public record BuildView(
        String id,
        String name,
        String status,
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
        Instant finishedAt) {
    static BuildView of(Build b) {
        return new BuildView(
                b.id(),
                b.name(),
                b.status(),
                b.base(),
                b.vcpus(),
                b.memoryMb(),
                b.diskMb(),
                b.noCache(),
                b.stepsTotal(),
                b.stepsCached(),
                b.stepsRun(),
                b.failedStep(),
                b.error(),
                b.recipe(),
                b.createdAt(),
                b.startedAt(),
                b.finishedAt());
    }
}
