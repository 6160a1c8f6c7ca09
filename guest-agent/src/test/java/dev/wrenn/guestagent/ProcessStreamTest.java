package dev.wrenn.guestagent;

import static dev.wrenn.guestagent.AgentHarness.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.guestagent.http.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /process (NDJSON events), /process/{pid}/stdin and /process/{pid}/stop. */
class ProcessStreamTest {
    @TempDir
    Path dir;

    AgentHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new AgentHarness(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** An open event stream, read line by line as the agent writes it. */
    final class Stream implements AutoCloseable {
        final HttpResponse<java.io.InputStream> response;
        final BufferedReader lines;

        Stream(Map<String, Object> body) throws Exception {
            response = h.http.send(
                    h.request("/process")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
            lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> next() throws Exception {
            String line = lines.readLine();
            assertThat(line).as("stream ended early").isNotNull();
            return (Map<String, Object>) Json.parse(line);
        }

        /** Reads up to and including the exit event; returns all events. */
        List<Map<String, Object>> untilExit() throws Exception {
            var events = new ArrayList<Map<String, Object>>();
            while (true) {
                var e = next();
                events.add(e);
                if ("exit".equals(e.get("type")) || "error".equals(e.get("type"))) {
                    assertThat(lines.readLine()).as("nothing after exit").isNull();
                    return events;
                }
            }
        }

        long pid(Map<String, Object> startEvent) {
            assertThat(startEvent).containsEntry("type", "start");
            return (Long) startEvent.get("pid");
        }

        @Override
        public void close() throws Exception {
            lines.close();
        }
    }

    static String data(Map<String, Object> event) {
        return new String(Base64.getDecoder().decode((String) event.get("data")), StandardCharsets.UTF_8);
    }

    @Test
    void outputEventsArriveWhileTheProcessRuns() throws Exception {
        try (var s = new Stream(
                Map.of("cmd", "sh", "args", List.of("-c", "echo first; sleep 1.5; echo second >&2; exit 4")))) {
            s.pid(s.next());
            var first = s.next();
            long firstAt = System.nanoTime();
            assertThat(first).containsEntry("type", "stdout");
            assertThat(data(first)).isEqualTo("first\n");
            var rest = s.untilExit();
            long exitAt = System.nanoTime();
            assertThat((exitAt - firstAt) / 1_000_000)
                    .as("first output came before the exit, not with it")
                    .isGreaterThan(1000);
            assertThat(rest.get(0)).containsEntry("type", "stderr");
            assertThat(data(rest.get(0))).isEqualTo("second\n");
            assertThat(rest.getLast()).containsEntry("type", "exit").containsEntry("exit_code", 4L);
        }
    }

    @Test
    void stdinIsDeliveredAndCanBeClosed() throws Exception {
        try (var s = new Stream(Map.of("cmd", "cat"))) {
            long pid = s.pid(s.next());
            var r1 = h.http.send(
                    h.request("/process/" + pid + "/stdin")
                            .POST(HttpRequest.BodyPublishers.ofString("hello\n"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r1.statusCode()).isEqualTo(204);
            var echoed = s.next();
            assertThat(data(echoed)).isEqualTo("hello\n");
            var r2 = h.http.send(
                    h.request("/process/" + pid + "/stdin")
                            .header("X-Close-Stdin", "true")
                            .POST(HttpRequest.BodyPublishers.ofString("bye"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r2.statusCode()).isEqualTo(204);
            var events = s.untilExit();
            String out = events.stream()
                    .filter(e -> "stdout".equals(e.get("type")))
                    .map(ProcessStreamTest::data)
                    .reduce("", String::concat);
            assertThat(out).isEqualTo("bye");
            assertThat(events.getLast()).containsEntry("exit_code", 0L);
        }
    }

    @Test
    void stopTerminatesTheProcessGroup() throws Exception {
        try (var s = new Stream(Map.of("cmd", "sleep", "args", List.of("60")))) {
            long pid = s.pid(s.next());
            long t0 = System.nanoTime();
            assertThat(h.post("/process/" + pid + "/stop", null).statusCode()).isEqualTo(204);
            var exit = s.untilExit().getLast();
            assertThat(exit).containsEntry("type", "exit").containsEntry("killed", true);
            assertThat(exit.get("exit_code")).isEqualTo(143L); // 128 + SIGTERM
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1500);
        }
    }

    @Test
    void stopEscalatesToSigkillWhenTermIsIgnored() throws Exception {
        try (var s = new Stream(Map.of(
                "cmd", "sh", "args", List.of("-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done")))) {
            long pid = s.pid(s.next());
            assertThat(data(s.next())).isEqualTo("ready\n");
            long t0 = System.nanoTime();
            assertThat(h.post("/process/" + pid + "/stop", null).statusCode()).isEqualTo(204);
            var exit = s.untilExit().getLast();
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(exit).containsEntry("killed", true).containsEntry("exit_code", 137L); // 128 + SIGKILL
            assertThat(tookMs).isBetween(1500L, 8000L);
        }
    }

    @Test
    void timeoutEndsTheStreamWithTimedOut() throws Exception {
        try (var s = new Stream(Map.of("cmd", "sleep", "args", List.of("30"), "timeout_ms", 300))) {
            s.pid(s.next());
            var exit = s.untilExit().getLast();
            assertThat(exit).containsEntry("timed_out", true).containsEntry("exit_code", -1L);
        }
    }

    @Test
    void unknownPidIsNotFound() throws Exception {
        var r = h.post("/process/999999999/stop", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(errorCode(r)).isEqualTo("not_found");
        var r2 = h.http.send(
                h.request("/process/999999999/stdin")
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r2.statusCode()).isEqualTo(404);
    }

    @Test
    void spawnFailureIsAPlainError() throws Exception {
        var r = h.post("/process", Map.of("cmd", "/no/such/binary"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo("spawn_failed");
    }
}
