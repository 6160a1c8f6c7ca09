package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.config.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
    private static final byte[] SECRET = "a-server-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);

    @Test
    void theEnvdTokenIsTheHmacOfTheIdUnderTheDerivedKey() throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Secrets.derive(SECRET, "envd-access-token"), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("sb-1234".getBytes(StandardCharsets.UTF_8)));

        assertThat(new AccessTokens(SECRET).envd("sb-1234")).isEqualTo(expected).matches("[0-9a-f]{64}");
    }

    @Test
    void tokensAreStableAndDifferPerSandboxPurposeAndSecret() {
        var tokens = new AccessTokens(SECRET);
        assertThat(tokens.envd("sb-a")).isEqualTo(new AccessTokens(SECRET).envd("sb-a"));
        assertThat(tokens.envd("sb-a")).isNotEqualTo(tokens.envd("sb-b"));
        assertThat(tokens.traffic("sb-a")).isNotEqualTo(tokens.envd("sb-a")).matches("[0-9a-f]{64}");
        var other = new AccessTokens("another-server-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));
        assertThat(other.envd("sb-a")).isNotEqualTo(tokens.envd("sb-a"));
    }
}
