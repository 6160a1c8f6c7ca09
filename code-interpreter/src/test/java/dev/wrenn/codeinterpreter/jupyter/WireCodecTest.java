package dev.wrenn.codeinterpreter.jupyter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Jupyter messages on ZeroMQ frames (messaging spec, "The Wire Protocol"). */
class WireCodecTest {
    private final Signer signer = new Signer("0123456789abcdef");
    private final WireCodec codec = new WireCodec(signer);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aRequestIsDelimiterSignatureAndTheFourDicts() {
        Message m = Message.request("sess", "execute_request", Map.of("code", "1+1"));
        List<byte[]> frames = codec.encode(m);
        assertThat(frames).hasSize(6);
        assertThat(s(frames.get(0))).isEqualTo("<IDS|MSG>");
        assertThat(s(frames.get(1)))
                .isEqualTo(signer.sign(frames.subList(2, 6)))
                .hasSize(64);
        assertThat(s(frames.get(2)))
                .contains("\"msg_type\":\"execute_request\"", "\"session\":\"sess\"", "\"version\":\"5.3\"");
        assertThat(s(frames.get(3))).isEqualTo("{}");
        assertThat(s(frames.get(4))).isEqualTo("{}");
        assertThat(s(frames.get(5))).isEqualTo("{\"code\":\"1+1\"}");
    }

    @Test
    void aRequestHasAFreshIdAndAnIsoDate() {
        Message a = Message.request("s", "kernel_info_request", Map.of());
        Message b = Message.request("s", "kernel_info_request", Map.of());
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.type()).isEqualTo("kernel_info_request");
        assertThat(a.date()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(a.parentId()).isNull();
    }

    @Test
    void decodingChecksTheSignatureOverTheBytesAsReceivedAndSkipsRoutingPrefixes() throws Exception {
        // Python's json.dumps spacing: re-serialising before checking would break the signature.
        List<byte[]> parts = List.of(
                b("{\"msg_id\": \"m2\", \"msg_type\": \"stream\", \"date\": \"2026-01-01T00:00:00.000001Z\"}"),
                b("{\"msg_id\": \"m1\"}"),
                b("{}"),
                b("{\"name\": \"stdout\", \"text\": \"hi\\n\"}"));
        var frames = new ArrayList<byte[]>();
        frames.add(b("kernel.abc.stream")); // an iopub topic
        frames.add(b("<IDS|MSG>"));
        frames.add(b(signer.sign(parts)));
        frames.addAll(parts);
        frames.add(b("a binary buffer"));

        Message m = codec.decode(frames);
        assertThat(m.type()).isEqualTo("stream");
        assertThat(m.id()).isEqualTo("m2");
        assertThat(m.parentId()).isEqualTo("m1");
        assertThat(m.date()).isEqualTo("2026-01-01T00:00:00.000001Z");
        assertThat(m.content()).containsEntry("text", "hi\n");
    }

    @Test
    void aRoundTripGivesTheSameMessage() throws Exception {
        Message m = new Message(
                Map.of("msg_id", "x", "msg_type", "status"),
                Map.of("msg_id", "p"),
                Map.of(),
                Map.of("execution_state", "idle"));
        Message back = codec.decode(codec.encode(m));
        assertThat(back).isEqualTo(m);
    }

    @Test
    void forgedTruncatedOrNonJsonMessagesAreRefused() {
        List<byte[]> good = codec.encode(Message.request("s", "status", Map.of("execution_state", "idle")));

        var forged = new ArrayList<>(good);
        forged.set(5, b("{\"execution_state\":\"busy\"}"));
        assertThatThrownBy(() -> codec.decode(forged)).hasMessageContaining("bad signature");

        var otherKey = new WireCodec(new Signer("another key")).encode(Message.request("s", "status", Map.of()));
        assertThatThrownBy(() -> codec.decode(otherKey)).hasMessageContaining("bad signature");

        assertThatThrownBy(() -> codec.decode(good.subList(0, 5))).hasMessageContaining("not a Jupyter message");
        assertThatThrownBy(() -> codec.decode(List.of(b("no delimiter"), b("{}"))))
                .isInstanceOf(BadMessageException.class);

        List<byte[]> notJson = List.of(b("{}"), b("{}"), b("{}"), b("not json"));
        var frames = new ArrayList<byte[]>(List.of(b("<IDS|MSG>"), b(signer.sign(notJson))));
        frames.addAll(notJson);
        assertThatThrownBy(() -> codec.decode(frames)).hasMessageContaining("not JSON");

        List<byte[]> array = List.of(b("{}"), b("{}"), b("{}"), b("[1]"));
        var arrayFrames = new ArrayList<byte[]>(List.of(b("<IDS|MSG>"), b(signer.sign(array))));
        arrayFrames.addAll(array);
        assertThatThrownBy(() -> codec.decode(arrayFrames)).hasMessageContaining("not a JSON object");
    }
}
