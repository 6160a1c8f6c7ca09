package dev.wrenn.codeinterpreter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.wrenn.codeinterpreter.execute.ClientGoneException;
import dev.wrenn.codeinterpreter.execute.OutputEvent;
import dev.wrenn.guestagent.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The NDJSON response over the JDK's real HTTP server: what a client reads, and noticing a client that left. */
class LineStreamTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private URI serve(Consumer<LineStream> handler) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            try (var stream = new LineStream(ex)) {
                handler.accept(stream);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/execute");
    }

    @Test
    void eachEventIsOneLineOfJson() {
        byte[] line = LineStream.encode(new OutputEvent.Stdout("a\nb\n", "t"));
        String text = new String(line, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        assertThat(text.strip()).doesNotContain("\n");
        assertThat(Json.parse(text.strip())).isEqualTo(Map.of("type", "stdout", "text", "a\nb\n", "timestamp", "t"));
    }

    @Test
    void theClientReadsWholeLinesAsTheyAreWrittenKeepalivesIncluded() throws Exception {
        var firstRead = new CountDownLatch(1);
        URI uri = serve(stream -> {
            try {
                stream.emit(new OutputEvent.ExecutionCount(1));
                // The next line is written only once the client has the first: the stream is not buffered.
                if (!firstRead.await(10, TimeUnit.SECONDS)) return;
                stream.emit(new OutputEvent.Keepalive());
                stream.emit(new OutputEvent.Stdout("hi\n", "t"));
                stream.emit(new OutputEvent.EndOfExecution());
            } catch (ClientGoneException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try (var client = HttpClient.newHttpClient()) {
            HttpResponse<java.util.stream.Stream<String>> response = client.send(
                    HttpRequest.newBuilder(uri)
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
            var lines = new java.util.ArrayList<String>();
            response.body().forEach(l -> {
                lines.add(l);
                firstRead.countDown();
            });
            assertThat(lines)
                    .containsExactly(
                            "{\"type\":\"number_of_executions\",\"execution_count\":1}",
                            "{\"type\":\"keepalive\"}",
                            "{\"type\":\"stdout\",\"text\":\"hi\\n\",\"timestamp\":\"t\"}",
                            "{\"type\":\"end_of_execution\"}");
        }
    }

    @Test
    void aClientThatClosedIsNoticedAtTheFirstKeepaliveAfter() throws Exception {
        var closed = new CountDownLatch(1);
        var keepalivesUntilGone = new CompletableFuture<Integer>();
        URI uri = serve(stream -> {
            try {
                stream.emit(new OutputEvent.ExecutionCount(1));
                closed.await(10, TimeUnit.SECONDS);
                Thread.sleep(200); // the client's FIN is in
                for (int i = 1; i <= 5; i++) {
                    try {
                        stream.emit(new OutputEvent.Keepalive());
                    } catch (ClientGoneException gone) {
                        keepalivesUntilGone.complete(i);
                        return;
                    }
                }
                keepalivesUntilGone.complete(-1);
            } catch (ClientGoneException | InterruptedException e) {
                keepalivesUntilGone.completeExceptionally(e);
            }
        });
        // A raw socket that reads everything it was sent, then closes cleanly (FIN, not RST):
        // the case in which a single write after the close would still succeed.
        try (var socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream()
                    .write(("POST /execute HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                            .getBytes(StandardCharsets.US_ASCII));
            String head = readUntil(socket.getInputStream(), "execution_count\":1}\n\r\n");
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
            assertThat(socket.getInputStream().available()).isZero();
        }
        closed.countDown();
        assertThat(keepalivesUntilGone.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    private static String readUntil(InputStream in, String end) throws Exception {
        var buf = new ByteArrayOutputStream();
        while (!buf.toString(StandardCharsets.US_ASCII).endsWith(end)) {
            int b = in.read();
            if (b < 0) break;
            buf.write(b);
        }
        return buf.toString(StandardCharsets.US_ASCII);
    }
}
