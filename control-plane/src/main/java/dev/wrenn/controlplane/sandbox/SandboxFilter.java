package dev.wrenn.controlplane.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which of a team's sandboxes a list returns, in what order, and which page.
 *
 * @param statuses empty: every status
 * @param metadata every pair must be in the sandbox's metadata
 * @param oldestFirst false (the default): newest first
 * @param limit rows per page; 0: every row at once (the seed's list)
 * @param after the previous page's cursor, or null for the first page
 */
public record SandboxFilter(
        List<SandboxStatus> statuses,
        Optional<String> template,
        Map<String, String> metadata,
        Optional<Instant> startedAfter,
        boolean oldestFirst,
        int limit,
        Cursor after) {

    public static final int MAX_LIMIT = 1000;

    public SandboxFilter {
        statuses = List.copyOf(statuses);
        metadata = Map.copyOf(metadata);
    }

    /** The whole list, newest first: what {@code GET /v1/sandboxes} without parameters answers. */
    public static SandboxFilter all() {
        return new SandboxFilter(List.of(), Optional.empty(), Map.of(), Optional.empty(), false, 0, null);
    }

    /** One page of rows and the cursor of the next, null on the last page. */
    public record Page(List<SandboxStore.Row> rows, Cursor next) {}
}
