package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.config.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A sandbox's tokens, derived from the server secret and its id rather than stored: the envd access
 * token its guest agent requires ({@code X-Access-Token}) and the traffic token guest ports of a
 * non-public sandbox require. Nothing in the database can reveal them, and every control plane
 * sharing the secret computes the same ones.
 */
public final class AccessTokens {
    private final SecretKeySpec envdKey;
    private final SecretKeySpec trafficKey;

    public AccessTokens(byte[] serverSecret) {
        this.envdKey = new SecretKeySpec(Secrets.derive(serverSecret, "envd-access-token"), "HmacSHA256");
        this.trafficKey = new SecretKeySpec(Secrets.derive(serverSecret, "traffic-access-token"), "HmacSHA256");
    }

    /** HMAC-SHA256 of the sandbox id under the envd purpose key, in lower-case hex. */
    public String envd(String sandboxId) {
        return hmac(envdKey, sandboxId);
    }

    /** HMAC-SHA256 of the sandbox id under the traffic purpose key, in lower-case hex. */
    public String traffic(String sandboxId) {
        return hmac(trafficKey, sandboxId);
    }

    private static String hmac(SecretKeySpec key, String sandboxId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(sandboxId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
