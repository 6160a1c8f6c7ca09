package dev.wrenn.controlplane.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** The contract's APIKeyResponse; {@code key} is present only in the creation response. */
public record ApiKeyView(
        String id,
        String teamId,
        String name,
        String keyPrefix,
        Instant createdAt,
        Instant lastUsed,
        @JsonInclude(JsonInclude.Include.NON_NULL) String key) {}
