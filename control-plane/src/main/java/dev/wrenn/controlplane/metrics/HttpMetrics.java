package dev.wrenn.controlplane.metrics;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Request counts and latency histograms by route template (never the raw path, which would make
 * one series per sandbox id), method and status, exposed in Prometheus' text format.
 */
public final class HttpMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void record(Context ctx, float millis) {
        var endpoint = ctx.endpoints().lastHttpEndpoint();
        String route = endpoint != null ? endpoint.path : "unmatched";
        Timer.builder("wrenn_http_server_requests")
                .description("HTTP requests served by the control plane")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos((long) (millis * 1_000_000)));
    }

    public String scrape() {
        return registry.scrape();
    }
}
