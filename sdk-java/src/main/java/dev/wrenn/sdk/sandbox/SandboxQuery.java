package dev.wrenn.sdk.sandbox;

import dev.wrenn.sdk.http.Query;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which sandboxes to list: by status (any of several), template and metadata (every pair must match), and the
 * page ({@code limit}, {@code cursor}). Without a limit or cursor a list is every matching sandbox.
 */
public record SandboxQuery(
        List<SandboxStatus> statuses, String template, Map<String, String> metadata, Integer limit, String cursor) {
    public SandboxQuery {
        statuses = statuses == null ? List.of() : List.copyOf(statuses);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Every sandbox of the team. */
    public static SandboxQuery all() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The list route with this query's parameters. */
    Query query() {
        var q = Query.path("/v1/sandboxes")
                .params("status", statuses.stream().map(SandboxStatus::wire).toList())
                .param("template", template);
        for (var e : metadata.entrySet()) q.param("metadata", e.getKey() + "=" + e.getValue());
        return q.param("limit", limit).param("cursor", cursor);
    }

    /** The same filters at another page. */
    SandboxQuery at(String nextCursor) {
        return new SandboxQuery(statuses, template, metadata, limit, nextCursor);
    }

    public static final class Builder {
        private final List<SandboxStatus> statuses = new ArrayList<>();
        private String template;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private Integer limit;
        private String cursor;

        private Builder() {}

        public Builder status(SandboxStatus... any) {
            statuses.addAll(List.of(any));
            return this;
        }

        public Builder template(String template) {
            this.template = template;
            return this;
        }

        public Builder metadata(String key, String value) {
            if (key.contains("=")) throw new IllegalArgumentException("a metadata key cannot hold '=': " + key);
            metadata.put(key, value);
            return this;
        }

        /** Rows per page (1 to 1000). */
        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        /** The page after the one whose {@link SandboxPage#nextCursor()} this is. */
        public Builder cursor(String cursor) {
            this.cursor = cursor;
            return this;
        }

        public SandboxQuery build() {
            return new SandboxQuery(statuses, template, metadata, limit, cursor);
        }
    }
}
