package dev.wrenn.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the stdio bridge writes when the line or the API fails it; the working path is CliProcessIT's. */
class McpBridgeTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String[] bridge(String input) throws Exception {
        int closed;
        try (var s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        var api = new ApiClient("http://127.0.0.1:" + closed, "wrn_test");
        new McpBridge(api, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true))
                .run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        String written = out.toString(StandardCharsets.UTF_8);
        return written.isEmpty() ? new String[0] : written.split("\n");
    }

    @Test
    void aRequestTheApiCannotTakeIsAnsweredWithItsIdSoTheClientDoesNotWait() throws Exception {
        var lines = bridge("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}\n");
        assertThat(lines).hasSize(1);
        var answer = ApiClient.JSON.readTree(lines[0]);
        assertThat(answer.path("id").asInt()).isEqualTo(7);
        assertThat(answer.path("error").path("code").asInt()).isEqualTo(McpBridge.UNREACHABLE);
        assertThat(answer.path("error").path("message").asString()).contains("unreachable");
    }

    @Test
    void aNotificationGetsNoAnswerAndTheFailureGoesToStandardError() throws Exception {
        var lines = bridge("\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n\n");
        assertThat(lines).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unreachable");
    }

    @Test
    void aLineThatIsNotJsonIsAParseError() throws Exception {
        var lines = bridge("{oops\n");
        var answer = ApiClient.JSON.readTree(lines[0]);
        assertThat(answer.path("id").isNull()).isTrue();
        assertThat(answer.path("error").path("code").asInt()).isEqualTo(-32700);
    }
}
