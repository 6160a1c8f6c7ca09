package dev.wrenn.codeinterpreter.execute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MIME bundle to E2B Result keys, as E2B's server's Result model maps them. */
class MimeBundleTest {
    @Test
    void everyKnownTypeGetsItsShortName() {
        var data = new LinkedHashMap<String, Object>();
        data.put("e2b/chart", Map.of("type", "line"));
        data.put("e2b/data", Map.of("x", List.of(1)));
        data.put("application/javascript", "alert(1)");
        data.put("application/json", Map.of("a", 1L));
        data.put("text/latex", "$x$");
        data.put("application/pdf", "JVBERi0=");
        data.put("image/jpeg", "/9j/");
        data.put("image/png", "iVBORw0KGgo=");
        data.put("image/svg+xml", "<svg/>");
        data.put("text/markdown", "# t");
        data.put("text/html", "<b>t</b>");
        data.put("text/plain", "t");

        Map<String, Object> fields = MimeBundle.toFields(data);
        assertThat(fields.keySet())
                .containsExactly(
                        "text",
                        "html",
                        "markdown",
                        "svg",
                        "png",
                        "jpeg",
                        "pdf",
                        "latex",
                        "json",
                        "javascript",
                        "data",
                        "chart",
                        "extra");
        assertThat(fields).containsEntry("png", "iVBORw0KGgo=").containsEntry("json", Map.of("a", 1L));
        assertThat(fields.get("extra")).isEqualTo(Map.of());
    }

    @Test
    void unknownTypesGoUnderExtraAndAbsentOnesAreLeftOut() {
        Map<String, Object> fields = MimeBundle.toFields(
                Map.of("text/plain", "<Figure>", "application/vnd.plotly.v1+json", Map.of("data", List.of())));
        assertThat(fields).containsOnlyKeys("text", "extra");
        assertThat(fields.get("extra")).isEqualTo(Map.of("application/vnd.plotly.v1+json", Map.of("data", List.of())));
    }

    @Test
    void onePairOfMatchingQuotesIsDroppedFromTheText() {
        assertThat(MimeBundle.toFields(Map.of("text/plain", "'hello'"))).containsEntry("text", "hello");
        assertThat(MimeBundle.toFields(Map.of("text/plain", "\"it's\""))).containsEntry("text", "it's");
        assertThat(MimeBundle.unquote("'a\"")).isEqualTo("'a\"");
        assertThat(MimeBundle.unquote("2")).isEqualTo("2");
        assertThat(MimeBundle.unquote("''")).isEqualTo("");
        assertThat(MimeBundle.unquote("\"'x'\"")).isEqualTo("'x'");
    }
}
