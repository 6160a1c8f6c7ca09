package dev.wrenn.controlplane.build;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/**
 * What builds printed, in {@code template_build_logs}: one writer per build (its runner) appends in
 * order; readers page by sequence number, so a follower that reconnects with {@code after} misses
 * nothing and sees nothing twice.
 */
public final class BuildLog {
    /** Lines longer than this are cut: a build printing a binary file must not fill the database. */
    static final int MAX_LINE = 8192;

    public record Line(int seq, Instant at, String kind, Integer step, String text) {}

    private final Jdbi jdbi;
    private final Map<String, AtomicInteger> next = new ConcurrentHashMap<>();
    /** Followers wait on this for the next line of any build; appends wake them. */
    private final Object appended = new Object();

    public BuildLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void append(String buildId, String kind, Integer step, String text) {
        String t = text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + " [cut]" : text;
        int seq = next.computeIfAbsent(buildId, this::lastSeq).incrementAndGet();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO template_build_logs (build_id, seq, kind, step, text)"
                        + " VALUES (:id, :seq, :kind, :step, :text)")
                .bind("id", buildId)
                .bind("seq", seq)
                .bind("kind", kind)
                .bind("step", step)
                .bind("text", t.replace("\0", ""))
                .execute());
        if (kind.equals("end")) next.remove(buildId);
        synchronized (appended) {
            appended.notifyAll();
        }
    }

    /**
     * Waits until a line after {@code after} may exist, or {@code max} has passed: followers are woken by
     * appends here (the runner is in this process), and the bound covers a build whose runner is gone.
     */
    public void awaitAfter(String buildId, int after, java.time.Duration max) throws InterruptedException {
        synchronized (appended) {
            AtomicInteger n = next.get(buildId);
            if (n != null && n.get() > after) return;
            appended.wait(max.toMillis());
        }
    }

    /** Up to {@code limit} lines after {@code after}, in order. */
    public List<Line> read(String buildId, int after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, at, kind, step, text FROM template_build_logs"
                        + " WHERE build_id = :id AND seq > :after ORDER BY seq LIMIT :limit")
                .bind("id", buildId)
                .bind("after", after)
                .bind("limit", limit)
                .map((rs, ctx) -> new Line(
                        rs.getInt("seq"),
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("kind"),
                        (Integer) rs.getObject("step"),
                        rs.getString("text")))
                .list());
    }

    private AtomicInteger lastSeq(String buildId) {
        return new AtomicInteger(jdbi.withHandle(
                h -> h.createQuery("SELECT coalesce(max(seq), 0) FROM template_build_logs WHERE build_id = :id")
                        .bind("id", buildId)
                        .mapTo(Integer.class)
                        .one()));
    }
}
