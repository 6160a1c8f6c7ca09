package dev.wrenn.controlplane.sandbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Sandbox rows, always read and written within one team. */
public final class SandboxStore {
    private static final String COLUMNS = "id, status, template, vcpus, memory_mb, timeout_sec, guest_ip, host_ip,"
            + " created_at, started_at, last_active_at, last_updated";

    private final Jdbi jdbi;

    public SandboxStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public List<SandboxView> list(String teamId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM sandboxes WHERE team_id = :team ORDER BY created_at DESC, id")
                .bind("team", teamId)
                .map((rs, ctx) -> view(rs))
                .list());
    }

    public Optional<SandboxView> get(String teamId, String id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM sandboxes WHERE team_id = :team AND id = :id")
                .bind("team", teamId)
                .bind("id", id)
                .map((rs, ctx) -> view(rs))
                .findOne());
    }

    static SandboxView view(ResultSet rs) throws SQLException {
        return new SandboxView(
                rs.getString("id"),
                rs.getString("status"),
                rs.getString("template"),
                rs.getInt("vcpus"),
                rs.getInt("memory_mb"),
                rs.getInt("timeout_sec"),
                nullToEmpty(rs.getString("guest_ip")),
                nullToEmpty(rs.getString("host_ip")),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("last_active_at")),
                instant(rs.getTimestamp("last_updated")));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
