package dev.wrenn.codeinterpreter.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request that ends in an error response, in the shape E2B's server (FastAPI) gives that error: its own
 * refusals (unknown context, two selectors) are plain text, which the SDKs show as the error's message;
 * a body that does not validate is a 422 with FastAPI's {@code {"detail": [...]}}; an unknown route or
 * method is {@code {"detail": "Not Found"}}.
 */
final class HttpError extends Exception {
    final int status;
    /** Sent as JSON when not null, else the message as plain text. */
    final Object json;

    HttpError(int status, String message) {
        this(status, message, null);
    }

    private HttpError(int status, String message, Object json) {
        super(message);
        this.status = status;
        this.json = json;
    }

    /** FastAPI's answer to a route or method it does not have. */
    static HttpError detail(int status, String detail) {
        return new HttpError(status, detail, Map.of("detail", detail));
    }

    /**
     * FastAPI's answer to a body that does not validate: one pydantic error, {@code loc} the path to the bad
     * field ("body", then the field's names), {@code type} pydantic's error type. The input is not echoed.
     */
    static HttpError invalid(String type, List<Object> loc, String msg, String cause) {
        var error = new LinkedHashMap<String, Object>();
        error.put("type", type);
        error.put("loc", loc);
        error.put("msg", msg);
        if (cause != null) error.put("ctx", Map.of("error", cause));
        return new HttpError(422, msg + " at " + loc, Map.of("detail", List.of(error)));
    }
}
