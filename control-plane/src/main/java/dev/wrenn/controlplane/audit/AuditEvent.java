package dev.wrenn.controlplane.audit;

import java.time.Instant;
import java.util.Map;

/** One recorded action as {@code GET /v1/audit} shows it. */
public record AuditEvent(
        String id,
        Instant createdAt,
        String teamId,
        String actorType,
        String actorId,
        String action,
        String targetId,
        String clientAddress,
        Map<String, Object> detail) {}
