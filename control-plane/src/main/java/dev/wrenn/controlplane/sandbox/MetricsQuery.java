package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A sandbox's stored samples between two instants given as Unix seconds (both APIs take them so):
 * from the start of the retention window and up to now when omitted.
 */
public final class MetricsQuery {
    private final SandboxService sandboxes;
    private final MetricsStore metrics;
    private final Clock clock;

    public MetricsQuery(SandboxService sandboxes, MetricsStore metrics, Clock clock) {
        this.sandboxes = sandboxes;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The team's sandbox's samples; 404 when it has no such sandbox, 400 for a bad interval. */
    public List<MetricSample> read(String teamId, String id, String start, String end) {
        var row = sandboxes.row(teamId, id);
        Instant from = start == null ? row.view().createdAt() : seconds(start, "start");
        Instant to = end == null ? clock.instant() : seconds(end, "end");
        if (from.isAfter(to)) throw ApiException.invalid("'start' must not be after 'end'");
        return metrics.range(id, from, to);
    }

    private static Instant seconds(String value, String field) {
        try {
            long s = Long.parseLong(value);
            if (s < 0 || s > 253_402_300_799L) throw new NumberFormatException();
            return Instant.ofEpochSecond(s);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'" + field + "' must be a Unix time in seconds, got '" + value + "'");
        }
    }
}
