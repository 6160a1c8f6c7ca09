package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.host.HostAgentException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every running sandbox's CPU, memory and disk through its host agent each interval, and
 * drops samples older than the retention window, so the table stays bounded whatever runs.
 */
public final class MetricsSampler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsSampler.class);

    private final SandboxStore sandboxes;
    private final MetricsStore metrics;
    private final HostAgentClient agent;
    private final Duration retention;
    private final Clock clock;
    private final Periodic loop;

    public MetricsSampler(
            SandboxStore sandboxes,
            MetricsStore metrics,
            HostAgentClient agent,
            Duration interval,
            Duration retention,
            Clock clock) {
        this.sandboxes = sandboxes;
        this.metrics = metrics;
        this.agent = agent;
        this.retention = retention;
        this.clock = clock;
        this.loop = new Periodic("wrenn-metrics", interval, this::sampleOnce);
    }

    public void start() {
        loop.start();
    }

    /** One pass: a sample of each running sandbox, then the window's pruning; how many were stored. */
    public int sampleOnce() {
        int stored = 0;
        for (var row : sandboxes.inStates(SandboxStatus.RUNNING)) {
            try {
                var m = agent.metrics(row.id());
                // The guest's clock is set at every start and resume; a guest that reports none gets ours.
                Instant at = m.timestampUnixMs() > 0 ? Instant.ofEpochMilli(m.timestampUnixMs()) : clock.instant();
                metrics.insert(
                        row.id(),
                        new MetricSample(
                                at,
                                m.cpuCount(),
                                m.cpuUsedPct(),
                                m.memUsed(),
                                m.memTotal(),
                                m.memCache(),
                                m.diskUsed(),
                                m.diskTotal()));
                stored++;
            } catch (HostAgentException e) {
                // Paused or destroyed since the scan, or a guest that cannot answer now: the next pass retries.
                log.debug("no metrics for {}: {}", row.id(), e.getMessage());
            }
        }
        metrics.prune(clock.instant().minus(retention));
        return stored;
    }

    @Override
    public void close() {
        loop.close();
    }
}
