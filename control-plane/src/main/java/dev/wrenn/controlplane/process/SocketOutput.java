package dev.wrenn.controlplane.process;

import dev.wrenn.controlplane.sandbox.Output;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;

/** The sending end of one process socket: JSON messages in the exec stream's shapes, and closing. */
final class SocketOutput {
    private final WsContext ws;
    private boolean closed;

    SocketOutput(WsContext ws) {
        this.ws = ws;
    }

    synchronized void send(Map<String, ?> message) {
        if (!closed && ws.session.isOpen()) ws.send(message);
    }

    synchronized void sendBinary(byte[] data) {
        if (!closed && ws.session.isOpen()) ws.send(java.nio.ByteBuffer.wrap(data));
    }

    /** Output as text when it is UTF-8, else base64 with {@code "encoding":"base64"}. */
    void data(String type, byte[] bytes) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", type);
        if (Output.isUtf8(bytes)) {
            m.put("data", new String(bytes, StandardCharsets.UTF_8));
        } else {
            m.put("data", Output.encode(bytes, true));
            m.put("encoding", "base64");
        }
        send(m);
    }

    void error(String message) {
        send(Map.of("type", "error", "data", message));
    }

    synchronized void close(int code, String reason) {
        if (closed) return;
        closed = true;
        if (ws.session.isOpen()) ws.session.close(code, reason, Callback.NOOP);
    }
}
