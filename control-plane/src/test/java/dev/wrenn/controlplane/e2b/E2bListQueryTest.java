package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.http.ApiException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** E2B's metadata filter in the form the SDK sends it, as the server reads it after the query is decoded once. */
class E2bListQueryTest {
    /** encodeURIComponent of each key and value, then URLSearchParams (form encoding): what the SDK builds. */
    private static String sdkForm(Map<String, String> pairs) {
        var sb = new StringBuilder();
        pairs.forEach((k, v) -> {
            if (!sb.isEmpty()) sb.append('&');
            sb.append(form(component(k))).append('=').append(form(component(v)));
        });
        return sb.toString();
    }

    private static String component(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theSdksDoublyEncodedPairsComeBackWhole() {
        var pairs = Map.of("user", "ann & bob = friends", "app+env", "prod/ü 100%");
        // The HTTP layer decodes the query parameter once before the route sees it.
        String asSent = component(sdkForm(pairs));
        String asReceived = URLDecoder.decode(asSent, StandardCharsets.UTF_8);
        assertThat(E2bListQuery.metadata(asReceived)).isEqualTo(pairs);
    }

    @Test
    void aPlainPairAsCurlSendsItWorksToo() {
        assertThat(E2bListQuery.metadata("user=abc&app=prod"))
                .containsEntry("user", "abc")
                .containsEntry("app", "prod");
        assertThat(E2bListQuery.metadata("")).isEmpty();
        assertThat(E2bListQuery.metadata(null)).isEmpty();
    }

    @Test
    void aPairWithoutAKeyIsA400() {
        for (String bad : new String[] {"novalue", "=v", "a=1&=2", "k=%zz"}) {
            assertThatThrownBy(() -> E2bListQuery.metadata(bad))
                    .as(bad)
                    .isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
        }
    }
}
