package dev.wrenn.controlplane.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The subprotocol handshake a browser makes, made by the JDK's client so the answer's header can be read. */
final class Sockets {
    private Sockets() {}

    /** The protocol the server accepted for a watch socket opened with the session token as a subprotocol. */
    static String acceptedProtocol(String base, String sandbox, String token) throws Exception {
        var uri = URI.create(base.replaceFirst("^http", "ws") + "/v1/sandboxes/" + sandbox + "/fs/watch?path=/tmp");
        try (var http = HttpClient.newHttpClient()) {
            WebSocket ws = http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(20))
                    .subprotocols("wrenn", "wrenn.bearer." + token)
                    .buildAsync(uri, new WebSocket.Listener() {})
                    .get(60, TimeUnit.SECONDS);
            try {
                return ws.getSubprotocol();
            } finally {
                ws.abort();
            }
        }
    }
}
