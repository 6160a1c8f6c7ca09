package dev.wrenn.hostagent.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpClientTest {
    @TempDir
    Path dir;

    @Test
    void negotiatesSkipsEventsAndReportsErrors() throws Exception {
        Path sock = dir.resolve("qmp.sock");
        List<String> received = new CopyOnWriteArrayList<>();
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        Thread t = Thread.ofVirtual().start(() -> {
            try (SocketChannel c = server.accept()) {
                OutputStream out = Channels.newOutputStream(c);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                send(out, "{\"QMP\":{\"version\":{},\"capabilities\":[]}}");
                received.add(in.readLine());
                send(out, "{\"return\":{}}");
                received.add(in.readLine());
                send(out, "{\"event\":\"STOP\",\"timestamp\":{}}");
                send(out, "{\"return\":{\"status\":\"paused\"}}");
                received.add(in.readLine());
                send(out, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"nope\"}}");
                in.readLine();
            } catch (Exception ignored) {
                // client closed
            }
        });
        try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(5))) {
            assertThat(qmp.execute("query-status").path("status").asString()).isEqualTo("paused");
            var args = QmpClient.args();
            args.put("uri", "unix:/x");
            assertThatThrownBy(() -> qmp.execute("migrate", args))
                    .isInstanceOf(QmpClient.QmpException.class)
                    .hasMessageContaining("GenericError: nope");
        }
        t.join(5000);
        server.close();
        assertThat(received.get(0)).contains("qmp_capabilities");
        assertThat(received.get(1)).contains("query-status");
        assertThat(received.get(2)).contains("\"uri\":\"unix:/x\"");
        Files.deleteIfExists(sock);
    }

    @Test
    void connectTimesOutWhenNoSocket() {
        assertThatThrownBy(() -> QmpClient.connect(dir.resolve("none.sock"), Duration.ofMillis(100)))
                .hasMessageContaining("not answering");
    }

    @Test
    void diskFullIsRecognisedInTheCauseChain() {
        var e = new java.io.IOException("migration failed", new java.io.IOException("No space left on device"));
        assertThat(QemuMigration.isDiskFull(e)).isTrue();
        assertThat(QemuMigration.isDiskFull(new java.io.IOException("other"))).isFalse();
    }

    private static void send(OutputStream out, String json) throws Exception {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
