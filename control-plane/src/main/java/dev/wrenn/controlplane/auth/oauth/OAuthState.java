package dev.wrenn.controlplane.auth.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CSRF state of one OAuth login: a random nonce sent to the provider, and a cookie holding
 * {@code nonce.expiry.provider.hmac}, HMAC-SHA256-signed so it cannot be forged or moved to
 * another provider, and short-lived.
 */
public final class OAuthState {
    public static final String COOKIE = "wrenn_oauth_state";
    public static final Duration VALIDITY = Duration.ofMinutes(10);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public OAuthState(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    public record Issued(String nonce, String cookieValue) {}

    public Issued issue(String provider) {
        byte[] n = new byte[32];
        random.nextBytes(n);
        String nonce = B64.encodeToString(n);
        long expiry = clock.instant().plus(VALIDITY).getEpochSecond();
        String payload = nonce + "." + expiry + "." + provider;
        return new Issued(nonce, payload + "." + sign(payload));
    }

    /** True when the cookie is ours, unexpired, for this provider, and carries the returned nonce. */
    public boolean verify(String cookieValue, String returnedNonce, String provider) {
        if (cookieValue == null || returnedNonce == null) return false;
        String[] parts = cookieValue.split("\\.");
        if (parts.length != 4) return false;
        String payload = parts[0] + "." + parts[1] + "." + parts[2];
        if (!MessageDigest.isEqual(
                sign(payload).getBytes(StandardCharsets.US_ASCII), parts[3].getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        long expiry;
        try {
            expiry = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        return expiry > clock.instant().getEpochSecond()
                && parts[2].equals(provider)
                && MessageDigest.isEqual(
                        parts[0].getBytes(StandardCharsets.US_ASCII),
                        returnedNonce.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
