package dev.wrenn.controlplane.sandbox;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.Query;

/**
 * The SQL of one list page: the filter's conditions as bound parameters (never spliced into the
 * text), the order, and the keyset condition after the cursor. One row more than the page is read
 * to learn whether another page follows.
 */
record SandboxQuery(String sql, Map<String, Object> binds, List<String> statuses) {

    static SandboxQuery of(String teamId, SandboxFilter f) {
        var where = new ArrayList<String>();
        var binds = new LinkedHashMap<String, Object>();
        where.add("team_id = :team");
        binds.put("team", teamId);
        if (!f.statuses().isEmpty()) where.add("status IN (<statuses>)");
        f.template().ifPresent(t -> {
            where.add("template = :template");
            binds.put("template", t);
        });
        if (!f.metadata().isEmpty()) {
            where.add("metadata @> CAST(:metadata AS jsonb)");
            binds.put("metadata", Metadata.toJson(f.metadata()));
        }
        f.startedAfter().ifPresent(t -> {
            where.add("started_at >= :startedAfter");
            binds.put("startedAfter", Timestamp.from(t));
        });
        String direction = f.oldestFirst() ? "ASC" : "DESC";
        if (f.after() != null) {
            // Row comparison follows the index order (created_at, id), both in the list's direction.
            where.add("(created_at, id) " + (f.oldestFirst() ? ">" : "<") + " (:afterCreated, :afterId)");
            binds.put("afterCreated", Timestamp.from(f.after().createdAt()));
            binds.put("afterId", f.after().id());
        }
        String sql = "SELECT " + SandboxStore.COLUMNS + " FROM sandboxes WHERE " + String.join(" AND ", where)
                + " ORDER BY created_at " + direction + ", id " + direction
                + (f.limit() > 0 ? " LIMIT " + (f.limit() + 1) : "");
        var statuses = f.statuses().stream().map(SandboxStatus::wire).toList();
        return new SandboxQuery(sql, binds, statuses);
    }

    Query bindTo(Query q) {
        binds.forEach(q::bind);
        if (!statuses.isEmpty()) q.bindList("statuses", statuses);
        return q;
    }
}
