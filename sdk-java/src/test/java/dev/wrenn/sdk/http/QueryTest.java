package dev.wrenn.sdk.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryTest {
    @Test
    void segmentsAreOneEncodedSegmentWhateverTheyHold() {
        var q = Query.path("/v1/sandboxes").segment("sb-1").then("/processes").segment("42");
        assertThat(q.pathAndQuery()).isEqualTo("/v1/sandboxes/sb-1/processes/42");
        assertThat(Query.path("/v1/snapshots").segment("a b/c?d#e%").pathAndQuery())
                .isEqualTo("/v1/snapshots/a%20b%2Fc%3Fd%23e%25");
        assertThat(Query.path("/v1/snapshots").segment("..").pathAndQuery()).isEqualTo("/v1/snapshots/%2E%2E");
        assertThat(Query.path("/v1/snapshots").segment("é").pathAndQuery()).isEqualTo("/v1/snapshots/%C3%A9");
        assertThatThrownBy(() -> Query.path("/v1").segment("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parametersRepeatSkipNullsAndEncodeWholeValues() {
        var q = Query.path("/v1/sandboxes")
                .params("status", List.of("running", "paused"))
                .param("template", null)
                .param("metadata", "app=web&x")
                .param("limit", 10);
        assertThat(q.pathAndQuery())
                .isEqualTo("/v1/sandboxes?status=running&status=paused&metadata=app%3Dweb%26x&limit=10");
        assertThat(Query.path("/v1/x").param("path", "/home/user/a b+c").pathAndQuery())
                .isEqualTo("/v1/x?path=/home/user/a%20b%2Bc");
    }

    @Test
    void aBaseUrlsOwnPathIsKeptAsAPrefix() {
        var q = Query.path("/v1/sandboxes").segment("sb-1");
        assertThat(q.resolve(URI.create("http://127.0.0.1:8080")))
                .hasToString("http://127.0.0.1:8080/v1/sandboxes/sb-1");
        assertThat(q.resolve(URI.create("https://example.com/wrenn/")))
                .hasToString("https://example.com/wrenn/v1/sandboxes/sb-1");
    }
}
