package dev.wrenn.hostagent.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal QMP client: one unix socket, JSON objects one per line. Connecting reads the greeting
 * and negotiates {@code qmp_capabilities}; {@link #execute} sends one command and returns its
 * {@code return} value. Asynchronous events (objects with an {@code event} member) are skipped.
 * Not thread-safe: one caller at a time.
 */
public final class QmpClient implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** QMP answered with {@code error}. */
    public static final class QmpException extends IOException {
        private final String errorClass;

        QmpException(String command, String errorClass, String desc) {
            super("QMP " + command + ": " + errorClass + ": " + desc);
            this.errorClass = errorClass;
        }

        public String errorClass() {
            return errorClass;
        }
    }

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private QmpClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects, retrying while the socket does not exist or refuses (QEMU still starting), up to {@code timeout}. */
    public static QmpClient connect(Path socket, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (true) {
            if (Files.exists(socket)) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    QmpClient c = new QmpClient(ch);
                    c.handshake();
                    return c;
                } catch (IOException e) {
                    ch.close();
                    last = e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "QMP socket " + socket + " not answering within " + timeout.toMillis() + " ms"
                                + (last == null ? "" : ": " + last.getMessage()),
                        last);
            }
            Thread.sleep(5);
        }
    }

    private void handshake() throws IOException {
        JsonNode greeting = readMessage();
        if (!greeting.has("QMP")) throw new IOException("unexpected QMP greeting: " + greeting);
        execute("qmp_capabilities", null);
    }

    /** Sends {@code command} with optional {@code arguments}; returns the {@code return} member. */
    public JsonNode execute(String command, ObjectNode arguments) throws IOException {
        ObjectNode req = JSON.createObjectNode();
        req.put("execute", command);
        if (arguments != null) req.set("arguments", arguments);
        out.write(JSON.writeValueAsBytes(req));
        out.write('\n');
        out.flush();
        while (true) {
            JsonNode m = readMessage();
            if (m.has("event")) continue;
            if (m.has("error")) {
                JsonNode e = m.get("error");
                throw new QmpException(
                        command,
                        e.path("class").asString("GenericError"),
                        e.path("desc").asString(""));
            }
            if (m.has("return")) return m.get("return");
        }
    }

    public JsonNode execute(String command) throws IOException {
        return execute(command, null);
    }

    public static ObjectNode args() {
        return JSON.createObjectNode();
    }

    private JsonNode readMessage() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("QMP connection closed by QEMU");
        } while (line.isBlank());
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
