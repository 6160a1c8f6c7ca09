package dev.wrenn.controlplane.sandbox;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The sampled metrics of sandboxes, kept for a bounded window (older samples are pruned). */
public final class MetricsStore {
    private final Jdbi jdbi;

    public MetricsStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a sample; a second one for the same sandbox and instant is ignored. */
    public void insert(String sandboxId, MetricSample s) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sandbox_metrics (sandbox_id, sampled_at, cpu_count,"
                        + " cpu_used_pct, mem_used, mem_total, mem_cache, disk_used, disk_total) VALUES (:id, :at,"
                        + " :cpus, :cpu, :memUsed, :memTotal, :memCache, :diskUsed, :diskTotal)"
                        + " ON CONFLICT DO NOTHING")
                .bind("id", sandboxId)
                .bind("at", Timestamp.from(s.timestamp()))
                .bind("cpus", s.cpuCount())
                .bind("cpu", s.cpuUsedPct())
                .bind("memUsed", s.memUsed())
                .bind("memTotal", s.memTotal())
                .bind("memCache", s.memCache())
                .bind("diskUsed", s.diskUsed())
                .bind("diskTotal", s.diskTotal())
                .execute());
    }

    /** The sandbox's samples taken from {@code start} to {@code end} inclusive, oldest first. */
    public List<MetricSample> range(String sandboxId, Instant start, Instant end) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM sandbox_metrics WHERE sandbox_id = :id"
                        + " AND sampled_at BETWEEN :start AND :end ORDER BY sampled_at")
                .bind("id", sandboxId)
                .bind("start", Timestamp.from(start))
                .bind("end", Timestamp.from(end))
                .map((rs, ctx) -> new MetricSample(
                        rs.getTimestamp("sampled_at").toInstant(),
                        rs.getInt("cpu_count"),
                        rs.getDouble("cpu_used_pct"),
                        rs.getLong("mem_used"),
                        rs.getLong("mem_total"),
                        rs.getLong("mem_cache"),
                        rs.getLong("disk_used"),
                        rs.getLong("disk_total")))
                .list());
    }

    /** Deletes every sample older than {@code before}; how many. */
    public int prune(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM sandbox_metrics WHERE sampled_at < :before")
                .bind("before", Timestamp.from(before))
                .execute());
    }
}
