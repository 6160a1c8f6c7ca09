package dev.wrenn.controlplane.template;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Template rows: base images (no team), the built-in templates (team {@link #BUILTIN_TEAM}), each team's
 * snapshot templates, and the layers its builds cached (type {@code layer}: never resolved by name nor listed;
 * see {@code build/}). A name means the team's own template first, then a built-in one, then a base image.
 */
public final class TemplateStore {
    /** The member-less team that owns the templates the server builds from its own recipes (migration V11). */
    public static final String BUILTIN_TEAM = "team_builtin";

    /** Which of the templates a team may use by a name comes first: its own, the built-in, a base image. */
    private static final String RANK = "CASE WHEN team_id = :team THEN 0 WHEN team_id IS NOT NULL THEN 1 ELSE 2 END";

    private static final String VISIBLE =
            "(team_id IS NULL OR team_id = :team OR team_id = '" + BUILTIN_TEAM + "') AND type <> 'layer'";

    private final Jdbi jdbi;

    public TemplateStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A template row with its host-side name. */
    public record Row(
            String id,
            String teamId,
            String name,
            String type,
            Integer vcpus,
            Integer memoryMb,
            long sizeBytes,
            java.time.Instant createdAt,
            String hostName,
            String buildId,
            String defaultUser,
            String defaultWorkdir) {
        public Row(
                String id,
                String teamId,
                String name,
                String type,
                Integer vcpus,
                Integer memoryMb,
                long sizeBytes,
                java.time.Instant createdAt,
                String hostName) {
            this(id, teamId, name, type, vcpus, memoryMb, sizeBytes, createdAt, hostName, null, null, null);
        }

        /** The same template, its sandboxes defaulting to this account and directory instead. */
        public Row withDefaults(String user, String workdir) {
            return new Row(
                    id, teamId, name, type, vcpus, memoryMb, sizeBytes, createdAt, hostName, buildId, user, workdir);
        }

        /** A template the team {@code teamId} may use but not change: a base image or a built-in template. */
        public boolean sharedWith(String teamId) {
            return !teamId.equals(this.teamId);
        }

        public TemplateView view() {
            return new TemplateView(name, type, vcpus, memoryMb, sizeBytes, createdAt);
        }
    }

    /** The template a team means by {@code name}: its own snapshot first, then a built-in one, then a base image. */
    public Optional<Row> resolve(String teamId, String name) {
        return jdbi.withHandle(h -> resolve(h, teamId, name));
    }

    static Optional<Row> resolve(Handle h, String teamId, String name) {
        return h.createQuery(
                        "SELECT * FROM templates WHERE name = :name AND " + VISIBLE + " ORDER BY " + RANK + " LIMIT 1")
                .bind("name", name)
                .bind("team", teamId)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** What the team may use, one template a name (the one {@link #resolve} gives). */
    public List<Row> list(String teamId, String type) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM (SELECT DISTINCT ON (name) * FROM templates WHERE "
                        + VISIBLE + " ORDER BY name, " + RANK + ") t" + (type == null ? "" : " WHERE type = :type")
                        + " ORDER BY type, name")
                .bind("team", teamId)
                .bind("type", type)
                .map((rs, ctx) -> row(rs))
                .list());
    }

    /** Whether the server is building its built-in template {@code name} right now. */
    public boolean builtinPending(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM template_builds WHERE team_id = '"
                                + BUILTIN_TEAM + "' AND name = :name AND status IN ('queued', 'building')")
                        .bind("name", name)
                        .mapTo(Integer.class)
                        .one())
                > 0;
    }

    /** Live sandboxes (pending, running, paused) started from the host template. */
    public int dependents(String hostName) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM sandboxes WHERE host_template = :h"
                        + " AND status IN ('pending', 'running', 'paused')")
                .bind("h", hostName)
                .mapTo(Integer.class)
                .one());
    }

    public void insert(Row r) {
        jdbi.useHandle(
                h -> h.createUpdate("INSERT INTO templates (id, team_id, name, type, vcpus, memory_mb, size_bytes,"
                                + " host_name, build_id, default_user, default_workdir, used_by_build) VALUES (:id,"
                                + " :team, :name, :type, :vcpus, :mem, :size, :host, :build, :user, :workdir, :build)")
                        .bind("id", r.id())
                        .bind("team", r.teamId())
                        .bind("name", r.name())
                        .bind("type", r.type())
                        .bind("vcpus", r.vcpus())
                        .bind("mem", r.memoryMb())
                        .bind("size", r.sizeBytes())
                        .bind("host", r.hostName())
                        .bind("build", r.buildId())
                        .bind("user", r.defaultUser())
                        .bind("workdir", r.defaultWorkdir())
                        .execute());
    }

    public void delete(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM templates WHERE id = :id")
                .bind("id", id)
                .execute());
    }

    public void updateBaseSize(String name, long size) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE templates SET size_bytes = :s WHERE name = :n AND team_id IS NULL")
                .bind("s", size)
                .bind("n", name)
                .execute());
    }

    public static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getString("id"),
                rs.getString("team_id"),
                rs.getString("name"),
                rs.getString("type"),
                (Integer) rs.getObject("vcpus"),
                (Integer) rs.getObject("memory_mb"),
                rs.getLong("size_bytes"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("host_name"),
                rs.getString("build_id"),
                rs.getString("default_user"),
                rs.getString("default_workdir"));
    }
}
