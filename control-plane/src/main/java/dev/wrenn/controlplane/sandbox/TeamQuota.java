package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import org.jdbi.v3.core.Handle;

/**
 * The cap on a team's live sandboxes (pending, running and paused), checked in the transaction that
 * adds one. The team's row is locked first, so two creates of one team count one after the other and
 * cannot both take the last place.
 */
final class TeamQuota {
    private TeamQuota() {}

    /** Throws {@code 429 quota_exceeded} when the team, not counting {@code exceptId}, already has {@code max}. */
    static void check(Handle h, String teamId, String exceptId, int max) {
        if (max == Integer.MAX_VALUE) return;
        h.createQuery("SELECT id FROM teams WHERE id = :team FOR UPDATE")
                .bind("team", teamId)
                .mapTo(String.class)
                .findOne();
        int live = h.createQuery("SELECT count(*) FROM sandboxes WHERE team_id = :team"
                        + " AND status IN ('pending', 'running', 'paused') AND id <> :except")
                .bind("team", teamId)
                .bind("except", exceptId == null ? "" : exceptId)
                .mapTo(Integer.class)
                .one();
        if (live >= max) {
            throw new ApiException(
                    ApiError.QUOTA_EXCEEDED,
                    "the team already has " + live + " running or paused sandboxes, the most it may have (" + max
                            + "); destroy one first");
        }
    }
}
