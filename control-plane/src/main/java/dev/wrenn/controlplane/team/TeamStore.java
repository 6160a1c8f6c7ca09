package dev.wrenn.controlplane.team;

import dev.wrenn.controlplane.db.Ids;
import org.jdbi.v3.core.Handle;

/** Teams and membership. Every account gets a default team it owns. */
public final class TeamStore {
    private TeamStore() {}

    /** Creates a team owned by the user and makes it their default; runs inside the caller's transaction. */
    public static String createDefaultTeam(Handle h, String userId, String email) {
        String teamId = Ids.team();
        String local = email.contains("@") ? email.substring(0, email.indexOf('@')) : email;
        h.createUpdate("INSERT INTO teams (id, name) VALUES (:id, :name)")
                .bind("id", teamId)
                .bind("name", local + "'s team")
                .execute();
        h.createUpdate("INSERT INTO users_teams (user_id, team_id, role, is_default) VALUES (:u, :t, 'owner', true)")
                .bind("u", userId)
                .bind("t", teamId)
                .execute();
        return teamId;
    }
}
