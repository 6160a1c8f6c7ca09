package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.host.HostAgentClient;
import java.time.Clock;
import java.time.Duration;

/**
 * The background duties of the lifecycle beyond the seed's: ending sandboxes at their
 * time-to-live (checked every second, like auto-pause) and sampling metrics. One handle to start
 * and stop them together.
 */
public final class LifecycleDuties implements AutoCloseable {
    private final Expirer expirer;
    private final MetricsSampler sampler;

    public LifecycleDuties(
            SandboxStore store,
            Lifetimes lifetimes,
            MetricsStore metrics,
            HostAgentClient agent,
            Duration metricsInterval,
            Duration metricsRetention,
            Clock clock) {
        this.expirer = new Expirer(store, lifetimes, Duration.ofSeconds(1));
        this.sampler = new MetricsSampler(store, metrics, agent, metricsInterval, metricsRetention, clock);
    }

    public void start() {
        expirer.start();
        sampler.start();
    }

    /** The sampler, for tests and operators' tooling that want a sample now. */
    public MetricsSampler sampler() {
        return sampler;
    }

    @Override
    public void close() {
        try {
            sampler.close();
        } finally {
            expirer.close();
        }
    }
}
