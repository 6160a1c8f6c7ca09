package dev.wrenn.codeinterpreter.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.guestagent.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of each /execute line, in the shapes E2B's SDKs parse. */
class OutputEventTest {
    private static String json(OutputEvent e) {
        return Json.write(e.toJson());
    }

    @Test
    void logs() {
        assertThat(json(new OutputEvent.Stdout("hi\n", "2026-01-01T00:00:00Z")))
                .isEqualTo("{\"type\":\"stdout\",\"text\":\"hi\\n\",\"timestamp\":\"2026-01-01T00:00:00Z\"}");
        assertThat(json(new OutputEvent.Stderr("x", "t")))
                .isEqualTo("{\"type\":\"stderr\",\"text\":\"x\",\"timestamp\":\"t\"}");
    }

    @Test
    void aResultIsItsFieldsBesideTypeAndIsMainResult() {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("text", "2");
        fields.put("extra", Map.of());
        assertThat(json(new OutputEvent.Result(fields, true)))
                .isEqualTo("{\"type\":\"result\",\"text\":\"2\",\"extra\":{},\"is_main_result\":true}");
    }

    @Test
    void errorsCountsAndMarkers() {
        assertThat(json(new OutputEvent.Error("NameError", "name 'x' is not defined", "tb")))
                .isEqualTo("{\"type\":\"error\",\"name\":\"NameError\",\"value\":\"name 'x' is not defined\","
                        + "\"traceback\":\"tb\"}");
        assertThat(json(new OutputEvent.ExecutionCount(7)))
                .isEqualTo("{\"type\":\"number_of_executions\",\"execution_count\":7}");
        assertThat(json(new OutputEvent.EndOfExecution())).isEqualTo("{\"type\":\"end_of_execution\"}");
        assertThat(json(new OutputEvent.Keepalive())).isEqualTo("{\"type\":\"keepalive\"}");
    }
}
