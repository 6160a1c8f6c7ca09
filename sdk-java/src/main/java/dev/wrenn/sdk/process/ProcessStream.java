package dev.wrenn.sdk.process;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An attachment to a background process ({@code /processes/{pid}/stream}): its output from the moment of attach,
 * then its exit (a process that ended recently gives its exit at once). It is in place when {@code attach}
 * returns. Closing it detaches; the process runs on. Any number may attach to one process.
 */
public final class ProcessStream extends ProcessOutput {
    ProcessStream(Socket socket) {
        super(socket);
        // The guest sends "start" once this attachment is subscribed: output from here on is not missed.
        awaitOpening("start");
    }

    public void sendStdin(String text) {
        sendStdin(text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Writes {@code data} to the process's stdin and, with {@code close}, closes it after. */
    public void sendStdin(byte[] data, boolean close) {
        socket().sendJson(Json.object()
                .put("type", "stdin")
                .put("data", Base64.getEncoder().encodeToString(data))
                .put("encoding", "base64")
                .put("close", close));
    }

    public void signal(Signal signal) {
        socket().sendJson(Json.object().put("type", "signal").put("signal", signal.name()));
    }
}
