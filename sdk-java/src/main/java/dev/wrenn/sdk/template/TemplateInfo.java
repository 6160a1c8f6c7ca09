package dev.wrenn.sdk.template;

import java.time.Instant;

/** A template new sandboxes start from; {@code vcpus} and {@code memoryMb} are null for a base image. */
public record TemplateInfo(
        String name, TemplateType type, Integer vcpus, Integer memoryMb, long sizeBytes, Instant createdAt) {}
