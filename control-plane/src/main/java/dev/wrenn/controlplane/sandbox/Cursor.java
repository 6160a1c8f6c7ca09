package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Where a page of a sandbox list ends: the (created_at, id) of its last row. The next page is the
 * rows strictly after it in the list's order, so rows inserted meanwhile (always newer) never shift
 * a page, and a row is never seen twice. Opaque to clients: base64url of {@code v1:<micros>:<id>}.
 */
public record Cursor(Instant createdAt, String id) {
    private static final Pattern FORM = Pattern.compile("v1:(-?\\d{1,19}):([A-Za-z0-9_-]{1,64})");

    public Cursor {
        // PostgreSQL keeps microseconds; a finer instant would compare unlike the stored value.
        createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
    }

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        String raw = "v1:" + micros + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client sent back; anything this server did not produce is a 400 naming {@code field}. */
    public static Cursor decode(String token, String field) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'" + field + "' is not a cursor this server issued");
        }
        var m = FORM.matcher(raw);
        if (!m.matches()) throw ApiException.invalid("'" + field + "' is not a cursor this server issued");
        try {
            return new Cursor(Instant.EPOCH.plus(Long.parseLong(m.group(1)), ChronoUnit.MICROS), m.group(2));
        } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
            throw ApiException.invalid("'" + field + "' is not a cursor this server issued");
        }
    }
}
