package dev.wrenn.controlplane.apikey;

import dev.wrenn.controlplane.auth.Principal;
import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Team API keys: {@code wrn_} followed by 192 random bits in hex, or on request E2B's shape,
 * {@code e2b_} and 160 random bits in 40 hex digits (E2B's SDKs 2.28 to 2.45 refuse any other).
 * Both work everywhere. Only the SHA-256 of a key is stored; the plaintext exists in the creation
 * response and nowhere else.
 */
public final class ApiKeyService {
    public static final String PREFIX = "wrn_";
    public static final String E2B_PREFIX = "e2b_";
    private static final int MAX_NAME = 200;

    /** A key's shape: its prefix and how many random bytes follow it in hex. */
    public enum Format {
        WRENN(PREFIX, 24),
        E2B(E2B_PREFIX, 20);

        private final String prefix;
        private final int randomBytes;

        Format(String prefix, int randomBytes) {
            this.prefix = prefix;
            this.randomBytes = randomBytes;
        }

        /** The request's {@code format}: {@code wrenn} (the default) or {@code e2b}. */
        public static Format parse(Optional<String> value) {
            return switch (value.orElse("wrenn")) {
                case "wrenn" -> WRENN;
                case "e2b" -> E2B;
                default -> throw ApiException.invalid("'format' must be wrenn or e2b");
            };
        }
    }

    private final Jdbi jdbi;
    private final SecureRandom random = new SecureRandom();

    public ApiKeyService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public ApiKeyView create(Principal.User owner, Optional<String> requestedName) {
        return create(owner, requestedName, Format.WRENN);
    }

    public ApiKeyView create(Principal.User owner, Optional<String> requestedName, Format format) {
        String name = requestedName.map(String::strip).orElse("Unnamed API Key");
        if (name.isEmpty()) throw ApiException.invalid("'name' must not be blank");
        if (name.length() > MAX_NAME) throw ApiException.invalid("'name' must be at most " + MAX_NAME + " characters");
        byte[] secret = new byte[format.randomBytes];
        random.nextBytes(secret);
        String key = format.prefix + HexFormat.of().formatHex(secret);
        String prefix = key.substring(0, format.prefix.length() + 8) + "...";
        String id = Ids.apiKey();
        Instant created = jdbi.withHandle(
                h -> h.createQuery("INSERT INTO team_api_keys (id, team_id, name, key_hash, key_prefix, created_by)"
                                + " VALUES (:id, :team, :name, :hash, :prefix, :user) RETURNING created_at")
                        .bind("id", id)
                        .bind("team", owner.teamId())
                        .bind("name", name)
                        .bind("hash", sha256(key))
                        .bind("prefix", prefix)
                        .bind("user", owner.userId())
                        .mapTo(Instant.class)
                        .one());
        return new ApiKeyView(id, owner.teamId(), name, prefix, created, null, key);
    }

    public List<ApiKeyView> list(String teamId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, team_id, name, key_prefix, created_at, last_used FROM team_api_keys"
                                + " WHERE team_id = :team ORDER BY created_at, id")
                .bind("team", teamId)
                .map((rs, ctx) -> new ApiKeyView(
                        rs.getString("id"),
                        rs.getString("team_id"),
                        rs.getString("name"),
                        rs.getString("key_prefix"),
                        rs.getTimestamp("created_at").toInstant(),
                        Optional.ofNullable(rs.getTimestamp("last_used"))
                                .map(java.sql.Timestamp::toInstant)
                                .orElse(null),
                        null))
                .list());
    }

    /** Deletes the team's key; another team's key, like an unknown one, is a 404 and stays. */
    public void delete(String teamId, String id) {
        int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM team_api_keys WHERE id = :id AND team_id = :team")
                .bind("id", id)
                .bind("team", teamId)
                .execute());
        if (n == 0) throw ApiException.notFound("API key '" + id + "' not found");
    }

    /** The team a key belongs to, marking it used; empty for unknown keys. */
    public Optional<Principal.ApiKey> authenticate(String key) {
        if (!(key.startsWith(PREFIX) || key.startsWith(E2B_PREFIX)) || key.length() > 200) return Optional.empty();
        return jdbi.withHandle(h -> h.createQuery(
                        "UPDATE team_api_keys SET last_used = now() WHERE key_hash = :hash" + " RETURNING id, team_id")
                .bind("hash", sha256(key))
                .map((rs, ctx) -> new Principal.ApiKey(rs.getString("id"), rs.getString("team_id")))
                .findOne());
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
