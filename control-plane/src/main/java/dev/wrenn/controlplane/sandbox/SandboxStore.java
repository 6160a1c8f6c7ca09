package dev.wrenn.controlplane.sandbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Sandbox rows. Reads are always within one team; status changes are compare-and-set on the
 * current status and checked against {@link SandboxStatus}, so two racing operations cannot both
 * move a sandbox.
 */
public final class SandboxStore {
    private static final String COLUMNS = "id, team_id, status, status_reason, template, vcpus, memory_mb,"
            + " timeout_sec, host_id, guest_ip, host_ip, created_at, started_at, last_active_at, last_updated";

    private final Jdbi jdbi;

    public SandboxStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A sandbox row with what only the server needs besides the contract's fields. */
    public record Row(SandboxView view, String teamId, SandboxStatus status, String reason, String hostId) {
        public String id() {
            return view.id();
        }
    }

    public List<SandboxView> list(String teamId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM sandboxes WHERE team_id = :team ORDER BY created_at DESC, id")
                .bind("team", teamId)
                .map((rs, ctx) -> row(rs).view())
                .list());
    }

    public Optional<Row> get(String teamId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE team_id = :team AND id = :id")
                        .bind("team", teamId)
                        .bind("id", id)
                        .map((rs, ctx) -> row(rs))
                        .findOne());
    }

    /** Rows of any team in the given states: for the reconciler and auto-pause only. */
    public List<Row> inStates(SandboxStatus... states) {
        var names = java.util.Arrays.stream(states).map(SandboxStatus::wire).toList();
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE status IN (<states>)")
                .bindList("states", names)
                .map((rs, ctx) -> row(rs))
                .list());
    }

    public Row insertPending(
            String id,
            String teamId,
            String template,
            String hostTemplate,
            int vcpus,
            int memoryMb,
            int timeoutSec,
            String hostId) {
        jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO sandboxes (id, team_id, template, host_template, status, vcpus, memory_mb,"
                                + " timeout_sec, host_id) VALUES (:id, :team, :template, :hostTemplate, 'pending',"
                                + " :vcpus, :mem, :timeout, :host)")
                .bind("id", id)
                .bind("team", teamId)
                .bind("template", template)
                .bind("hostTemplate", hostTemplate)
                .bind("vcpus", vcpus)
                .bind("mem", memoryMb)
                .bind("timeout", timeoutSec)
                .bind("host", hostId)
                .execute());
        return get(teamId, id).orElseThrow();
    }

    /** Running sandboxes with auto-pause whose last activity is older than their timeout. */
    public List<Row> idleBeyondTimeout() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE status = 'running'"
                        + " AND timeout_sec > 0 AND last_active_at < now() - make_interval(secs => timeout_sec)")
                .map((rs, ctx) -> row(rs))
                .list());
    }

    /** pending/paused to running, with the addresses the host agent reported. */
    public boolean markRunning(String id, SandboxStatus from, String guestIp, String hostIp) {
        check(from, SandboxStatus.RUNNING);
        return jdbi.withHandle(h -> h.createUpdate("UPDATE sandboxes SET status = 'running', status_reason = NULL,"
                                + " guest_ip = :g, host_ip = :hip,"
                                + " started_at = now(), last_active_at = now(), last_updated = now()"
                                + " WHERE id = :id AND status = :from")
                        .bind("id", id)
                        .bind("from", from.wire())
                        .bind("g", guestIp)
                        .bind("hip", hostIp)
                        .execute())
                == 1;
    }

    /** Moves a sandbox from {@code from} to {@code to}, recording why; false if it was not in {@code from}. */
    public boolean transition(String id, SandboxStatus from, SandboxStatus to, StatusReason reason) {
        return update(id, from, to, reason.code());
    }

    /** As {@link #transition(String, SandboxStatus, SandboxStatus, StatusReason)}, with a detail for people. */
    public boolean transition(String id, SandboxStatus from, SandboxStatus to, StatusReason reason, String detail) {
        return update(id, from, to, reason.with(detail));
    }

    /**
     * Stops a sandbox from whatever state it is in (every state but stopped may move to stopped):
     * for operations whose VM is gone however the row moved meanwhile. False if it was stopped.
     */
    public boolean markStopped(String id, StatusReason reason, String detail) {
        String stored = detail == null ? reason.code() : reason.with(detail);
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE sandboxes SET status = 'stopped', status_reason = :reason, last_updated = now()"
                                        + " WHERE id = :id AND status <> 'stopped'")
                        .bind("id", id)
                        .bind("reason", stored)
                        .execute())
                == 1;
    }

    private boolean update(String id, SandboxStatus from, SandboxStatus to, String reason) {
        check(from, to);
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE sandboxes SET status = :to, status_reason = :reason, last_updated = now()"
                                        + " WHERE id = :id AND status = :from")
                        .bind("id", id)
                        .bind("from", from.wire())
                        .bind("to", to.wire())
                        .bind("reason", reason)
                        .execute())
                == 1;
    }

    /** Records activity (exec, ping) on a running sandbox; false if it is not running. */
    public boolean touch(String teamId, String id) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE sandboxes SET last_active_at = now() WHERE id = :id AND team_id = :team"
                                        + " AND status = 'running'")
                        .bind("id", id)
                        .bind("team", teamId)
                        .execute())
                == 1;
    }

    private static void check(SandboxStatus from, SandboxStatus to) {
        if (!from.canMoveTo(to)) throw new IllegalStateException("illegal sandbox transition " + from + " -> " + to);
    }

    static Row row(ResultSet rs) throws SQLException {
        var view = new SandboxView(
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
        return new Row(
                view,
                rs.getString("team_id"),
                SandboxStatus.fromWire(rs.getString("status")),
                rs.getString("status_reason"),
                rs.getString("host_id"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
