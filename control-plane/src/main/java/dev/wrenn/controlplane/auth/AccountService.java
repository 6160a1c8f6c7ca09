package dev.wrenn.controlplane.auth;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.db.SqlStates;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.team.TeamStore;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** Email and password accounts: sign-up creates the user and their team in one transaction. */
public final class AccountService {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+$");
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 1024;

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final JwtService jwt;

    public AccountService(Jdbi jdbi, PasswordHasher hasher, JwtService jwt) {
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.jwt = jwt;
    }

    public AuthResponse signup(String rawEmail, String password) {
        String email = normalizeEmail(rawEmail);
        if (!EMAIL.matcher(email).matches() || email.length() > 254) {
            throw ApiException.invalid("'email' is not a valid email address");
        }
        if (password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            throw ApiException.invalid("'password' must be at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > MAX_PASSWORD) {
            throw ApiException.invalid("'password' must be at most " + MAX_PASSWORD + " characters");
        }
        String hash = hasher.hash(password);
        String userId = Ids.user();
        try {
            String teamId = jdbi.inTransaction(h -> {
                h.createUpdate("INSERT INTO users (id, email, password_hash) VALUES (:id, :email, :hash)")
                        .bind("id", userId)
                        .bind("email", email)
                        .bind("hash", hash)
                        .execute();
                return TeamStore.createDefaultTeam(h, userId, email);
            });
            return new AuthResponse(jwt.issue(userId, teamId, email), userId, teamId, email);
        } catch (RuntimeException e) {
            if (SqlStates.isUniqueViolation(e)) {
                throw new ApiException(ApiError.EMAIL_TAKEN, "an account with this email already exists");
            }
            throw e;
        }
    }

    public AuthResponse login(String rawEmail, String password) {
        String email = normalizeEmail(rawEmail);
        var row = jdbi.withHandle(h -> h.createQuery("SELECT u.id, u.email, u.password_hash, ut.team_id FROM users u"
                        + " LEFT JOIN users_teams ut ON ut.user_id = u.id AND ut.is_default"
                        + " WHERE lower(u.email) = :email")
                .bind("email", email)
                .map((rs, ctx) -> new LoginRow(
                        rs.getString("id"),
                        rs.getString("email"),
                        rs.getString("password_hash"),
                        rs.getString("team_id")))
                .findOne());
        boolean ok = row.filter(r -> r.passwordHash() != null && r.teamId() != null)
                .map(r -> hasher.verify(password, r.passwordHash()))
                .orElseGet(() -> hasher.verifyDecoy(password));
        if (!ok) throw ApiException.unauthorized("invalid email or password");
        var r = row.orElseThrow();
        return new AuthResponse(jwt.issue(r.id(), r.teamId(), r.email()), r.id(), r.teamId(), r.email());
    }

    static String normalizeEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    private record LoginRow(String id, String email, String passwordHash, String teamId) {}
}
