package dev.wrenn.controlplane.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.http.JsonBody;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class McpProtocolTest {
    private final McpProtocol protocol = new McpProtocol("test");
    /** Never listening: these messages are all answered before any tool reaches the API. */
    private final LocalApi.Caller api = new LocalApi("127.0.0.1").as("X-API-Key", "unused");

    private JsonNode send(String json) {
        return protocol.handle(JsonBody.MAPPER.readTree(json), api);
    }

    @Test
    void initializeAnswersTheAskedVersionWhenSupportedAndTheNewestOtherwise() {
        var known = send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertThat(known.path("id").asInt()).isEqualTo(1);
        assertThat(known.path("result").path("protocolVersion").asString()).isEqualTo("2025-03-26");
        assertThat(known.path("result").path("capabilities").has("tools")).isTrue();
        assertThat(known.path("result").path("serverInfo").path("name").asString())
                .isEqualTo("wrenn");

        var unknown = send("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"1999-01-01\"}}");
        assertThat(unknown.path("id").asString()).isEqualTo("a");
        assertThat(unknown.path("result").path("protocolVersion").asString())
                .isEqualTo(McpProtocol.VERSIONS.getFirst());
    }

    @Test
    void listsEveryToolWithADescriptionAndAnObjectSchemaWhoseRequiredNamesExist() {
        var tools = send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                .path("result")
                .path("tools");
        var names = new java.util.ArrayList<String>();
        for (var t : tools) {
            names.add(t.path("name").asString());
            assertThat(t.path("description").asString()).hasSizeGreaterThan(40);
            var schema = t.path("inputSchema");
            assertThat(schema.path("type").asString()).isEqualTo("object");
            for (var r : schema.path("required"))
                assertThat(schema.path("properties").has(r.asString())).isTrue();
            assertThat(t.path("annotations").path("openWorldHint").asBoolean(true))
                    .isFalse();
        }
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "create_sandbox",
                        "list_sandboxes",
                        "pause_sandbox",
                        "resume_sandbox",
                        "destroy_sandbox",
                        "run_command",
                        "run_code",
                        "read_file",
                        "write_file",
                        "list_files");
    }

    @Test
    void protocolMistakesAreJsonRpcErrors() {
        assertThat(send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/list\"}")
                        .path("error")
                        .path("code")
                        .asInt())
                .isEqualTo(JsonRpc.METHOD_NOT_FOUND);
        assertThat(send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"rm_rf\"}}")
                        .path("error")
                        .path("code")
                        .asInt())
                .isEqualTo(JsonRpc.INVALID_PARAMS);
        assertThat(send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
                                + "\"params\":{\"name\":\"run_command\",\"arguments\":[1]}}")
                        .path("error")
                        .path("code")
                        .asInt())
                .isEqualTo(JsonRpc.INVALID_PARAMS);
        var notJsonRpc = send("{\"id\":6,\"method\":\"ping\"}");
        assertThat(notJsonRpc.path("error").path("code").asInt()).isEqualTo(JsonRpc.INVALID_REQUEST);
        assertThat(notJsonRpc.path("id").asInt()).isEqualTo(6);
    }

    @Test
    void notificationsAndResponsesGetNoAnswer() {
        assertThat(send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
                .isNull();
        assertThat(send("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}")).isNull();
        assertThat(send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}")
                        .path("result")
                        .isObject())
                .isTrue();
    }

    @Test
    void badArgumentsAreToolErrorsTheModelCanCorrect() {
        var missing = send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"run_command\",\"arguments\":{\"sandbox_id\":\"x\"}}}");
        assertThat(missing.path("result").path("isError").asBoolean()).isTrue();
        assertThat(missing.path("result").path("content").get(0).path("text").asString())
                .contains("'command' is required");
        var wrongType = send("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"write_file\",\"arguments\":{\"sandbox_id\":\"x\",\"path\":\"/a\",\"content\":\"!!\",\"encoding\":"
                + "\"base64\"}}}");
        assertThat(wrongType.path("result").path("content").get(0).path("text").asString())
                .contains("not valid base64");
    }

    @Test
    void binaryFilesAreEmbeddedAndTextIsText() {
        var text = FileTools.content("sb", "/a.txt", "héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toJson();
        assertThat(text.path("content").get(0).path("text").asString()).isEqualTo("héllo");
        var binary = FileTools.content("sb", "/a.bin", new byte[] {(byte) 0xff, 0, 1})
                .toJson();
        assertThat(binary.path("content").get(1).path("resource").path("blob").asString())
                .isEqualTo("/wAB");
    }
}
