package dev.wrenn.codeinterpreter;

import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The ITs' HTTP client for one server: what E2B's SDKs send, with java.net.http. */
final class Api implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    Api(int port) {
        base = URI.create("http://127.0.0.1:" + port);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(90));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POST /execute with these fields (nulls left out), the whole stream parsed. */
    Run execute(String code, String contextId, Map<String, String> env) throws IOException, InterruptedException {
        var body = new LinkedHashMap<String, Object>();
        body.put("code", code);
        if (contextId != null) body.put("context_id", contextId);
        if (env != null) body.put("env_vars", env);
        HttpResponse<String> r = post("/execute", Json.write(body));
        if (r.statusCode() != 200) throw new AssertionError("/execute answered " + r.statusCode() + ": " + r.body());
        return Run.parse(r.body());
    }

    Run execute(String code, String contextId) throws IOException, InterruptedException {
        return execute(code, contextId, null);
    }

    Run execute(String code) throws IOException, InterruptedException {
        return execute(code, null, null);
    }

    /** POST /contexts; the new context's id. */
    String createContext(String json) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/contexts", json);
        if (r.statusCode() != 200) throw new AssertionError("/contexts answered " + r.statusCode() + ": " + r.body());
        return (String) map(r.body()).get("id");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(String json) {
        return (Map<String, Object>) Json.parse(json);
    }

    @Override
    public void close() {
        http.close();
    }

    /** One execution's events, in order. */
    record Run(List<Map<String, Object>> events) {
        static Run parse(String ndjson) {
            return new Run(ndjson.lines()
                    .filter(l -> !l.isBlank())
                    .map(Api::map)
                    .filter(e -> !"keepalive".equals(e.get("type")))
                    .toList());
        }

        List<Map<String, Object>> ofType(String type) {
            return events.stream().filter(e -> type.equals(e.get("type"))).toList();
        }

        String stdout() {
            return String.join(
                    "",
                    ofType("stdout").stream().map(e -> (String) e.get("text")).toList());
        }

        Map<String, Object> mainResult() {
            return ofType("result").stream()
                    .filter(e -> Boolean.TRUE.equals(e.get("is_main_result")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no main result in " + events));
        }

        String text() {
            return (String) mainResult().get("text");
        }

        Map<String, Object> error() {
            List<Map<String, Object>> errors = ofType("error");
            if (errors.size() != 1) throw new AssertionError("not one error in " + events);
            return errors.getFirst();
        }

        boolean failed() {
            return !ofType("error").isEmpty();
        }

        String errorName() {
            return Objects.toString(error().get("name"));
        }
    }
}
