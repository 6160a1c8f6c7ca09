package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorTest {
    @Test
    void aCursorSurvivesItsEncodingToTheMicrosecond() {
        var c = new Cursor(Instant.parse("2026-05-01T12:34:56.123456Z"), "sb-abc123");
        var back = Cursor.decode(c.encode(), "cursor");
        assertThat(back).isEqualTo(c);
        assertThat(back.createdAt()).isEqualTo(Instant.parse("2026-05-01T12:34:56.123456Z"));
    }

    @Test
    void nanosecondsAreDroppedAsPostgresDropsThem() {
        var c = new Cursor(Instant.parse("2026-05-01T12:34:56.123456789Z"), "sb-x");
        assertThat(c.createdAt()).isEqualTo(Instant.parse("2026-05-01T12:34:56.123456Z"));
    }

    @Test
    void anEncodedCursorIsUrlSafeAndOpaque() {
        String token = new Cursor(Instant.parse("1999-12-31T23:59:59Z"), "sb-abc_-1").encode();
        assertThat(token).matches("[A-Za-z0-9_-]+").doesNotContain("sb-abc");
    }

    @Test
    void whatThisServerDidNotIssueIsA400() {
        for (String bad : new String[] {
            "!!!",
            b64("v2:1:sb-x"),
            b64("v1:notanumber:sb-x"),
            b64("v1:1:"),
            b64("v1:1:sb x"),
            b64("v1:99999999999999999999:sb-x"),
            b64("hello"),
        }) {
            assertThatThrownBy(() -> Cursor.decode(bad, "nextToken"))
                    .as(bad)
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("'nextToken'")
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
