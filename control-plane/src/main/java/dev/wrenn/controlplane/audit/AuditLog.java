package dev.wrenn.controlplane.audit;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.auth.Principal;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes and reads the audit log. An action is recorded after it succeeded; a record that cannot be
 * written is logged, not turned into a failure of an action that already happened.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Jdbi jdbi;

    public AuditLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** An action by the request's authenticated caller, in the caller's team. */
    public void record(Context ctx, AuditAction action, String targetId, Map<String, ?> detail) {
        Principal p = ctx.attribute(Authenticator.ATTRIBUTE);
        if (p == null) throw new IllegalStateException("audited route reached without authentication");
        String type = p instanceof Principal.User ? "user" : "api_key";
        String actor = p instanceof Principal.User u ? u.userId() : ((Principal.ApiKey) p).keyId();
        record(p.teamId(), type, actor, action, targetId, ctx.ip(), detail);
    }

    /** An action by a user who has no session yet (sign-up, login), in their team. */
    public void recordUser(Context ctx, String teamId, String userId, AuditAction action, Map<String, ?> detail) {
        record(teamId, "user", userId, action, userId, ctx.ip(), detail);
    }

    /**
     * A failed login for {@code email}: recorded in every team of the account it names, and nowhere
     * when no account has that email (there is no team to tell; the answer to the client is the same).
     */
    public void loginFailed(Context ctx, String email) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit_events (team_id, actor_type, action, target_id,"
                            + " client_address, detail) SELECT ut.team_id, 'anonymous', :action, u.id, :address,"
                            + " jsonb_build_object('email', u.email) FROM users u"
                            + " JOIN users_teams ut ON ut.user_id = u.id WHERE lower(u.email) = :email")
                    .bind("action", AuditAction.LOGIN_FAILED.wire())
                    .bind("address", ctx.ip())
                    .bind("email", email.strip().toLowerCase(java.util.Locale.ROOT))
                    .execute());
        } catch (RuntimeException e) {
            log.error("audit: could not record a failed login", e);
        }
    }

    private void record(
            String teamId,
            String actorType,
            String actorId,
            AuditAction action,
            String targetId,
            String address,
            Map<String, ?> detail) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit_events (team_id, actor_type, actor_id, action,"
                            + " target_id, client_address, detail) VALUES (:team, :type, :actor, :action, :target,"
                            + " :address, CAST(:detail AS jsonb))")
                    .bind("team", teamId)
                    .bind("type", actorType)
                    .bind("actor", actorId)
                    .bind("action", action.wire())
                    .bind("target", targetId)
                    .bind("address", address)
                    .bind("detail", JSON.writeValueAsString(detail))
                    .execute());
        } catch (RuntimeException e) {
            log.error("audit: could not record {} on {} for team {}", action.wire(), targetId, teamId, e);
        }
    }

    /** The team's events newest first, those older than {@code beforeId} when given. */
    public List<AuditEvent> page(String teamId, AuditQuery q) {
        var sql = new StringBuilder("SELECT id, created_at, team_id, actor_type, actor_id, action, target_id,"
                + " client_address, detail::text AS detail FROM audit_events WHERE team_id = :team");
        if (q.action() != null) sql.append(" AND action = :action");
        if (q.since() != null) sql.append(" AND created_at >= :since");
        if (q.beforeId() != null) sql.append(" AND id < :before");
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql.toString()).bind("team", teamId).bind("limit", q.limit());
            if (q.action() != null) query.bind("action", q.action().wire());
            if (q.since() != null) query.bind("since", java.sql.Timestamp.from(q.since()));
            if (q.beforeId() != null) query.bind("before", q.beforeId());
            return query.map((rs, ctx) -> new AuditEvent(
                            Long.toString(rs.getLong("id")),
                            rs.getTimestamp("created_at").toInstant(),
                            rs.getString("team_id"),
                            rs.getString("actor_type"),
                            rs.getString("actor_id"),
                            rs.getString("action"),
                            rs.getString("target_id"),
                            rs.getString("client_address"),
                            JSON.readValue(rs.getString("detail"), MAP)))
                    .list();
        });
    }

    /** What one page asks for; {@code action}, {@code since} and {@code beforeId} may be null. */
    public record AuditQuery(AuditAction action, Instant since, Long beforeId, int limit) {}
}
