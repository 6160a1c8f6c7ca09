package dev.wrenn.sdk.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.sdk.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExecutionJsonTest {
    @Test
    void anExecutionIsReadWithItsResultsLogsAndError() {
        String body = """
                {"results":[{"is_main_result":false,"png":"iVBO","extra":{"application/x-thing":{"a":1}}},
                            {"is_main_result":true,"text":"42","html":"<b>42</b>","json":{"v":42},"extra":{}}],
                 "logs":{"stdout":["a\\n","b\\n"],"stderr":[]},
                 "error":{"name":"ValueError","value":"boom","traceback":"Traceback...\\nValueError: boom"},
                 "execution_count":3}
                """;
        Execution e = Json.read(body.getBytes(StandardCharsets.UTF_8), Execution.Wire.class)
                .execution();
        assertThat(e.text()).contains("42");
        assertThat(e.results()).hasSize(2);
        assertThat(e.results().get(0).png()).isEqualTo("iVBO");
        assertThat(e.results()
                        .get(0)
                        .extra()
                        .get("application/x-thing")
                        .get("a")
                        .asInt())
                .isEqualTo(1);
        assertThat(e.results().get(1).json().get("v").asInt()).isEqualTo(42);
        assertThat(e.stdoutText()).isEqualTo("a\nb\n");
        assertThat(e.raised()).map(CodeError::name).contains("ValueError");
        assertThat(e.executionCount()).isEqualTo(3);
    }

    @Test
    void aCellWithNothingToShowHasNoText() {
        String body =
                "{\"results\":[],\"logs\":{\"stdout\":[],\"stderr\":[]}," + "\"error\":null,\"execution_count\":null}";
        var e = Json.read(body.getBytes(StandardCharsets.UTF_8), Execution.Wire.class)
                .execution();
        assertThat(e.text()).isEmpty();
        assertThat(e.raised()).isEmpty();
        assertThat(e.executionCount()).isNull();
    }

    @Test
    void aCellSendsOnlyWhatWasSet() {
        assertThat(CodeRun.builder("1+1").build().json().text()).isEqualTo("{\"code\":\"1+1\"}");
        assertThat(Json.tree(CodeRun.builder("x")
                        .language("python")
                        .envVar("A", "b")
                        .timeout(Duration.ofSeconds(9))
                        .build()
                        .json()
                        .text()))
                .isEqualTo(Json.tree(
                        "{\"code\":\"x\",\"language\":\"python\",\"env_vars\":{\"A\":\"b\"},\"timeout_sec\":9}"));
    }
}
