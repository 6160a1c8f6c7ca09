package dev.wrenn.guestagent.envd.api;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.http.Exchanges;
import java.io.IOException;
import java.util.LinkedHashMap;

/** envd.yaml's Error schema for the plain HTTP endpoints: {@code {"message": "...", "code": 404}}. */
public final class HttpErrors {
    private HttpErrors() {}

    /** An HTTP endpoint's failure, answered with its status. */
    public static final class HttpError extends RuntimeException {
        final int status;

        public HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public static void send(HttpExchange ex, int status, String message) throws IOException {
        var body = new LinkedHashMap<String, Object>();
        body.put("message", message);
        body.put("code", status);
        Exchanges.sendJson(ex, status, body);
    }
}
