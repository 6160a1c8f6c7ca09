package dev.wrenn.controlplane.auth.oauth;

import dev.wrenn.controlplane.auth.AuthResponse;
import dev.wrenn.controlplane.auth.JwtService;
import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.db.SqlStates;
import dev.wrenn.controlplane.team.TeamStore;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Links provider identities to accounts. A known identity logs in; a new one gets a user (with no
 * password), a team and the link in one transaction. An email that already belongs to another
 * account is refused ({@code email_taken}) rather than silently linked, since the provider's
 * claim alone must not take over an existing account.
 *
 * <p>Two callbacks for the same new identity race on the unique keys; the loser's transaction
 * rolls back on the violation and its retry finds the winner's account.
 */
public final class OAuthAccounts {
    private static final int ATTEMPTS = 3;

    private final Jdbi jdbi;
    private final JwtService jwt;

    public OAuthAccounts(Jdbi jdbi, JwtService jwt) {
        this.jdbi = jdbi;
        this.jwt = jwt;
    }

    public AuthResponse signIn(String provider, OAuthProvider.Profile profile) throws OAuthException {
        String email = profile.email().strip().toLowerCase(Locale.ROOT);
        for (int attempt = 1; ; attempt++) {
            try {
                Outcome outcome = jdbi.inTransaction(h -> upsert(h, provider, profile.providerUserId(), email));
                return switch (outcome) {
                    case Outcome.SignedIn s ->
                        new AuthResponse(
                                jwt.issue(s.userId(), s.teamId(), s.email()), s.userId(), s.teamId(), s.email());
                    case Outcome.EmailTaken ignored ->
                        throw new OAuthException(
                                "email_taken",
                                "an account with " + email + " already exists; log in with its password");
                };
            } catch (RuntimeException e) {
                if (!SqlStates.isUniqueViolation(e) || attempt >= ATTEMPTS) {
                    throw new OAuthException("internal_error", "could not store the OAuth account", e);
                }
            }
        }
    }

    private static Outcome upsert(Handle h, String provider, String providerUserId, String email) {
        var linked = linkedAccount(h, provider, providerUserId);
        if (linked.isPresent()) return linked.get();

        boolean taken = h.createQuery("SELECT count(*) FROM users WHERE lower(email) = :e")
                        .bind("e", email)
                        .mapTo(Integer.class)
                        .one()
                > 0;
        if (taken) {
            // A racing first login of this same identity may have committed between the two reads
            // above (each statement sees the latest commits); its user and link commit together,
            // so seeing the user means the link is visible now.
            return linkedAccount(h, provider, providerUserId)
                    .<Outcome>map(o -> o)
                    .orElse(new Outcome.EmailTaken());
        }

        String userId = Ids.user();
        h.createUpdate("INSERT INTO users (id, email, password_hash) VALUES (:id, :email, NULL)")
                .bind("id", userId)
                .bind("email", email)
                .execute();
        String teamId = TeamStore.createDefaultTeam(h, userId, email);
        h.createUpdate("INSERT INTO oauth_providers (provider, provider_id, user_id, email) VALUES (:p, :pid, :u, :e)")
                .bind("p", provider)
                .bind("pid", providerUserId)
                .bind("u", userId)
                .bind("e", email)
                .execute();
        return new Outcome.SignedIn(userId, teamId, email);
    }

    private static java.util.Optional<Outcome.SignedIn> linkedAccount(
            Handle h, String provider, String providerUserId) {
        return h.createQuery("SELECT u.id, u.email, ut.team_id FROM oauth_providers o JOIN users u ON u.id = o.user_id"
                        + " JOIN users_teams ut ON ut.user_id = u.id AND ut.is_default"
                        + " WHERE o.provider = :p AND o.provider_id = :pid")
                .bind("p", provider)
                .bind("pid", providerUserId)
                .map((rs, ctx) ->
                        new Outcome.SignedIn(rs.getString("id"), rs.getString("team_id"), rs.getString("email")))
                .findOne();
    }

    private sealed interface Outcome {
        record SignedIn(String userId, String teamId, String email) implements Outcome {}

        record EmailTaken() implements Outcome {}
    }
}
