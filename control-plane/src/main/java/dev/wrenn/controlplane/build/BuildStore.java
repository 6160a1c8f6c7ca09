package dev.wrenn.controlplane.build;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Rows of {@code template_builds}: a build's request, its progress and its outcome. */
public final class BuildStore {
    private static final String COLUMNS = "id, team_id, name, status, recipe, base, context_sha256, vcpus, memory_mb,"
            + " disk_mb, no_cache, steps_total, steps_cached, steps_run, failed_step, error, template_id, sandbox_id,"
            + " created_at, started_at, finished_at";

    private final Jdbi jdbi;

    public BuildStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A new queued build; its context archive is stored with it (so that a rebuild can reuse it). */
    public void insert(Build b, String recipeSha256, byte[] context) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO template_builds (id, team_id, name, status, recipe,"
                        + " recipe_sha256, base, context, context_sha256, vcpus, memory_mb, disk_mb, no_cache,"
                        + " steps_total) VALUES (:id, :team, :name, 'queued', :recipe, :rsha, :base, :ctx, :csha,"
                        + " :vcpus, :mem, :disk, :noCache, :total)")
                .bind("id", b.id())
                .bind("team", b.teamId())
                .bind("name", b.name())
                .bind("recipe", b.recipe())
                .bind("rsha", recipeSha256)
                .bind("base", b.base())
                .bind("ctx", context)
                .bind("csha", b.contextSha256())
                .bind("vcpus", b.vcpus())
                .bind("mem", b.memoryMb())
                .bind("disk", b.diskMb())
                .bind("noCache", b.noCache())
                .bind("total", b.stepsTotal())
                .execute());
    }

    public Optional<Build> get(String teamId, String id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM template_builds WHERE id = :id" + " AND team_id = :team")
                .bind("id", id)
                .bind("team", teamId)
                .map((rs, ctx) -> row(rs))
                .findOne());
    }

    /** The team's builds, newest first; only those of {@code name} when it is not null. */
    public List<Build> list(String teamId, String name, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM template_builds WHERE team_id = :team"
                        + (name == null ? "" : " AND name = :name") + " ORDER BY created_at DESC, id LIMIT :limit")
                .bind("team", teamId)
                .bind("name", name)
                .bind("limit", limit)
                .map((rs, ctx) -> row(rs))
                .list());
    }

    public byte[] context(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT context FROM template_builds WHERE id = :id")
                .bind("id", id)
                .mapTo(byte[].class)
                .findOne()
                .orElse(null));
    }

    /** Queued to building; false when it was cancelled (or taken) first. */
    public boolean start(String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE template_builds SET status = 'building', started_at = now()"
                                + " WHERE id = :id AND status = 'queued'")
                        .bind("id", id)
                        .execute())
                == 1;
    }

    public void progress(String id, int cached, int run, String sandboxId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE template_builds SET steps_cached = :cached, steps_run = :run,"
                        + " sandbox_id = :sbx WHERE id = :id")
                .bind("id", id)
                .bind("cached", cached)
                .bind("run", run)
                .bind("sbx", sandboxId)
                .execute());
    }

    /** What the build's FROM was when it ran (the root of its cache keys). */
    public void baseIdentity(String id, String identity) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE template_builds SET base_identity = :base WHERE id = :id")
                .bind("id", id)
                .bind("base", identity)
                .execute());
    }

    /**
     * The team's template {@code name}, if a ready build of exactly this recipe, context, base and resources
     * made it (and it was not replaced since).
     */
    public Optional<String> current(String teamId, String name, Fingerprint f) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t.id FROM template_builds b JOIN templates t"
                        + " ON t.id = b.template_id AND t.team_id = b.team_id AND t.name = b.name"
                        + " WHERE b.team_id = :team AND b.name = :name AND b.status = 'ready'"
                        + " AND b.recipe_sha256 = :rsha AND b.context_sha256 = :csha AND b.base_identity = :base"
                        + " AND b.vcpus = :vcpus AND b.memory_mb = :mem AND b.disk_mb = :disk LIMIT 1")
                .bind("team", teamId)
                .bind("name", name)
                .bind("rsha", f.recipeSha256())
                .bind("csha", f.contextSha256())
                .bind("base", f.baseIdentity())
                .bind("vcpus", f.vcpus())
                .bind("mem", f.memoryMb())
                .bind("disk", f.diskMb())
                .mapTo(String.class)
                .findOne());
    }

    /** What makes two builds of a template the same build. */
    public record Fingerprint(
            String recipeSha256, String contextSha256, String baseIdentity, int vcpus, int memoryMb, int diskMb) {}

    /** Ends an unfinished build; false when it had already ended (a cancel that came first). */
    public boolean finish(String id, String status, Integer failedStep, String error, String templateId) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE template_builds SET status = :status, failed_step = :step,"
                                + " error = :error, template_id = :tpl, finished_at = now() WHERE id = :id"
                                + " AND status IN ('queued', 'building')")
                        .bind("id", id)
                        .bind("status", status)
                        .bind("step", failedStep)
                        .bind("error", error)
                        .bind("tpl", templateId)
                        .execute())
                == 1;
    }

    /** Builds this server left unfinished when it stopped: nothing runs them any more. */
    public List<Build> unfinished() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM template_builds"
                        + " WHERE status IN ('queued', 'building') ORDER BY created_at")
                .map((rs, ctx) -> row(rs))
                .list());
    }

    /** The team's builds of {@code name} that are still queued or running. */
    public int active(String teamId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM template_builds WHERE team_id = :team"
                        + " AND name = :name AND status IN ('queued', 'building')")
                .bind("team", teamId)
                .bind("name", name)
                .mapTo(Integer.class)
                .one());
    }

    private static Build row(ResultSet rs) throws SQLException {
        return new Build(
                rs.getString("id"),
                rs.getString("team_id"),
                rs.getString("name"),
                rs.getString("status"),
                rs.getString("recipe"),
                rs.getString("base"),
                rs.getString("context_sha256"),
                rs.getInt("vcpus"),
                rs.getInt("memory_mb"),
                rs.getInt("disk_mb"),
                rs.getBoolean("no_cache"),
                rs.getInt("steps_total"),
                rs.getInt("steps_cached"),
                rs.getInt("steps_run"),
                (Integer) rs.getObject("failed_step"),
                rs.getString("error"),
                rs.getString("template_id"),
                rs.getString("sandbox_id"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("finished_at")));
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
