package dev.wrenn.controlplane.template;

import java.time.Instant;

/** The contract's Template object. */
public record TemplateView(
        String name, String type, Integer vcpus, Integer memoryMb, long sizeBytes, Instant createdAt) {}
