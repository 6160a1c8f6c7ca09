package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.network.EgressPolicy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Sandbox rows. Reads are within one team except the few the proxy and background duties make
 * (named so); status changes are compare-and-set on the current status and checked against
 * {@link SandboxStatus}, so two racing operations cannot both move a sandbox.
 */
public final class SandboxStore {
    static final String COLUMNS = "id, team_id, status, status_reason, template, vcpus, memory_mb,"
            + " timeout_sec, host_id, guest_ip, host_ip, created_at, started_at, last_active_at, last_updated,"
            + " metadata::text AS metadata, ttl_sec, end_at, on_timeout, auto_resume, secure, public_traffic,"
            + " disk_mb, network::text AS network";
    /** The end a start or resume gives a sandbox: its time-to-live from now, or none. */
    private static final String FRESH_END =
            "CASE WHEN ttl_sec > 0 THEN now() + make_interval(secs => ttl_sec) ELSE NULL END";

    private final Jdbi jdbi;
    private final int maxPerTeam;

    public SandboxStore(Jdbi jdbi) {
        this(jdbi, Integer.MAX_VALUE);
    }

    /** A store that refuses a team's pending row beyond {@code maxPerTeam} live sandboxes. */
    public SandboxStore(Jdbi jdbi, int maxPerTeam) {
        this.jdbi = jdbi;
        this.maxPerTeam = maxPerTeam;
    }

    /** Throws {@code 429 quota_exceeded} if resuming {@code id} would take its team beyond its cap. */
    public void checkRoomFor(String teamId, String id) {
        jdbi.useTransaction(h -> TeamQuota.check(h, teamId, id, maxPerTeam));
    }

    /** A sandbox row with what only the server needs besides the contract's fields. */
    public record Row(
            SandboxView view,
            String teamId,
            SandboxStatus status,
            String reason,
            String hostId,
            boolean secure,
            boolean publicTraffic) {
        public String id() {
            return view.id();
        }

        public OnTimeout onTimeout() {
            return OnTimeout.parse(view.onTimeout(), "on_timeout");
        }
    }

    /** What a create stores before the VM exists. */
    public record NewRow(
            String id,
            String teamId,
            String template,
            String hostTemplate,
            int vcpus,
            int memoryMb,
            int timeoutSec,
            String hostId,
            Map<String, String> metadata,
            int ttlSec,
            OnTimeout onTimeout,
            boolean autoResume,
            boolean secure,
            boolean publicTraffic) {}

    public List<SandboxView> list(String teamId) {
        return page(teamId, SandboxFilter.all()).rows().stream().map(Row::view).toList();
    }

    /** The team's rows the filter selects, one page of them. */
    public SandboxFilter.Page page(String teamId, SandboxFilter filter) {
        var query = SandboxQuery.of(teamId, filter);
        List<Row> rows = jdbi.withHandle(h -> query.bindTo(h.createQuery(query.sql()))
                .map((rs, ctx) -> row(rs))
                .list());
        if (filter.limit() == 0 || rows.size() <= filter.limit()) return new SandboxFilter.Page(rows, null);
        var page = rows.subList(0, filter.limit());
        var last = page.getLast().view();
        return new SandboxFilter.Page(List.copyOf(page), new Cursor(last.createdAt(), last.id()));
    }

    public Optional<Row> get(String teamId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE team_id = :team AND id = :id")
                        .bind("team", teamId)
                        .bind("id", id)
                        .map((rs, ctx) -> row(rs))
                        .findOne());
    }

    /** The row of any team: for the sandbox proxy, which routes by sandbox id alone. */
    public Optional<Row> anyTeam(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> row(rs))
                .findOne());
    }

    /** Rows of any team in the given states: for the reconciler and the background duties only. */
    public List<Row> inStates(SandboxStatus... states) {
        var names = java.util.Arrays.stream(states).map(SandboxStatus::wire).toList();
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE status IN (<states>)")
                .bindList("states", names)
                .map((rs, ctx) -> row(rs))
                .list());
    }

    /** A pending row with the seed's fields only: no metadata, no time-to-live. */
    public Row insertPending(
            String id,
            String teamId,
            String template,
            String hostTemplate,
            int vcpus,
            int memoryMb,
            int timeoutSec,
            String hostId) {
        return insertPending(new NewRow(
                id,
                teamId,
                template,
                hostTemplate,
                vcpus,
                memoryMb,
                timeoutSec,
                hostId,
                Map.of(),
                0,
                OnTimeout.KILL,
                false,
                true,
                true));
    }

    public Row insertPending(NewRow n) {
        jdbi.useTransaction(h -> {
            TeamQuota.check(h, n.teamId(), null, maxPerTeam);
            h.createUpdate("INSERT INTO sandboxes (id, team_id, template, host_template, status, vcpus, memory_mb,"
                            + " timeout_sec, host_id, metadata, ttl_sec, on_timeout, auto_resume, secure,"
                            + " public_traffic) VALUES (:id, :team, :template, :hostTemplate, 'pending',"
                            + " :vcpus, :mem, :timeout, :host, CAST(:metadata AS jsonb), :ttl, :onTimeout,"
                            + " :autoResume, :secure, :publicTraffic)")
                    .bind("id", n.id())
                    .bind("team", n.teamId())
                    .bind("template", n.template())
                    .bind("hostTemplate", n.hostTemplate())
                    .bind("vcpus", n.vcpus())
                    .bind("mem", n.memoryMb())
                    .bind("timeout", n.timeoutSec())
                    .bind("host", n.hostId())
                    .bind("metadata", Metadata.toJson(n.metadata()))
                    .bind("ttl", n.ttlSec())
                    .bind("onTimeout", n.onTimeout().wire())
                    .bind("autoResume", n.autoResume())
                    .bind("secure", n.secure())
                    .bind("publicTraffic", n.publicTraffic())
                    .execute();
        });
        return get(n.teamId(), n.id()).orElseThrow();
    }

    /** Running sandboxes with auto-pause whose last activity is older than their timeout. */
    public List<Row> idleBeyondTimeout() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE status = 'running'"
                        + " AND timeout_sec > 0 AND last_active_at < now() - make_interval(secs => timeout_sec)")
                .map((rs, ctx) -> row(rs))
                .list());
    }

    /** Running sandboxes (any team) whose time-to-live has run out. */
    public List<Row> expired() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM sandboxes WHERE status = 'running'"
                        + " AND end_at IS NOT NULL AND end_at <= now()")
                .map((rs, ctx) -> row(rs))
                .list());
    }

    /**
     * pending/paused to running, with the addresses the host agent reported; a sandbox with a
     * time-to-live gets a fresh end from now.
     */
    /** Running on {@code guestIp}; {@code diskMb} is the disk's size as the host made it (0: unchanged). */
    public boolean markRunning(String id, SandboxStatus from, String guestIp, String hostIp, int diskMb) {
        check(from, SandboxStatus.RUNNING);
        return jdbi.withHandle(h -> h.createUpdate("UPDATE sandboxes SET status = 'running', status_reason = NULL,"
                                + " guest_ip = :g, host_ip = :hip, end_at = " + FRESH_END + ","
                                + " disk_mb = COALESCE(NULLIF(:disk, 0), disk_mb),"
                                + " started_at = now(), last_active_at = now(), last_updated = now()"
                                + " WHERE id = :id AND status = :from")
                        .bind("id", id)
                        .bind("from", from.wire())
                        .bind("g", guestIp)
                        .bind("hip", hostIp)
                        .bind("disk", diskMb)
                        .execute())
                == 1;
    }

    /**
     * A new time-to-live from now for a live (running or paused) sandbox: it ends {@code ttlSec} from
     * now and that long after every resume; 0 removes it. False if the sandbox is not live.
     */
    public boolean setTtl(String id, int ttlSec) {
        return lifetime(
                id,
                "ttl_sec = :s, end_at = CASE WHEN :s > 0 THEN now() + make_interval(secs => :s) END",
                ttlSec,
                false);
    }

    /** The end of a live sandbox with a time-to-live moved to now plus {@code seconds}, sooner or later. */
    public boolean setEnd(String id, int seconds) {
        return lifetime(id, "end_at = now() + make_interval(secs => :s)", seconds, true);
    }

    /** The end of a live sandbox with a time-to-live moved to at least now plus {@code seconds}: never sooner. */
    public boolean extendEnd(String id, int seconds) {
        return lifetime(id, "end_at = GREATEST(end_at, now() + make_interval(secs => :s))", seconds, true);
    }

    /** A live sandbox's end moved to now, whether or not it had a time-to-live. */
    public boolean endNow(String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE sandboxes SET end_at = now(), last_updated = now()"
                                + " WHERE id = :id AND status IN ('running', 'paused')")
                        .bind("id", id)
                        .execute())
                == 1;
    }

    private boolean lifetime(String id, String assignment, int seconds, boolean onlyWithTtl) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE sandboxes SET " + assignment + ", last_updated = now()"
                                + " WHERE id = :id AND status IN ('running', 'paused')"
                                + (onlyWithTtl ? " AND ttl_sec > 0" : ""))
                        .bind("id", id)
                        .bind("s", seconds)
                        .execute())
                == 1;
    }

    /** What the sandbox's time-to-live does when it runs out, from now on. */
    public void setOnTimeout(String id, OnTimeout onTimeout) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE sandboxes SET on_timeout = :o, last_updated = now() WHERE id = :id")
                .bind("id", id)
                .bind("o", onTimeout.wire())
                .execute());
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

    /** Records guest traffic through the proxy as activity, whatever the team; false if not running. */
    public boolean touchAnyTeam(String id) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE sandboxes SET last_active_at = now() WHERE id = :id AND status = 'running'")
                        .bind("id", id)
                        .execute())
                == 1;
    }

    private static void check(SandboxStatus from, SandboxStatus to) {
        if (!from.canMoveTo(to)) throw new IllegalStateException("illegal sandbox transition " + from + " -> " + to);
    }

    /** Records the egress policy the host agent now holds for the sandbox. */
    public void setNetwork(String id, EgressPolicy network) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE sandboxes SET network = CAST(:n AS jsonb), last_updated = now()" + " WHERE id = :id")
                .bind("id", id)
                .bind("n", network.toDatabase())
                .execute());
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
                instant(rs.getTimestamp("last_updated")),
                Metadata.fromDatabase(rs.getString("metadata")),
                rs.getInt("ttl_sec"),
                instant(rs.getTimestamp("end_at")),
                rs.getString("on_timeout"),
                rs.getBoolean("auto_resume"),
                rs.getObject("disk_mb", Integer.class),
                EgressPolicy.fromDatabase(rs.getString("network")));
        return new Row(
                view,
                rs.getString("team_id"),
                SandboxStatus.fromWire(rs.getString("status")),
                rs.getString("status_reason"),
                rs.getString("host_id"),
                rs.getBoolean("secure"),
                rs.getBoolean("public_traffic"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
