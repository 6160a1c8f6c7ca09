package dev.wrenn.codeinterpreter.http;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.codeinterpreter.context.Context;
import dev.wrenn.codeinterpreter.context.Contexts;
import dev.wrenn.codeinterpreter.context.Language;
import java.io.IOException;

/** {@code /contexts}: create (a new kernel), list, delete (kernel shut down), restart (same id, fresh state). */
final class ContextRoutes {
    private final Contexts contexts;
    private final int maxBodyBytes;

    ContextRoutes(Contexts contexts, int maxBodyBytes) {
        this.contexts = contexts;
        this.maxBodyBytes = maxBodyBytes;
    }

    void create(HttpExchange ex) throws IOException, HttpError {
        RequestBody body = RequestBody.read(ex, maxBodyBytes);
        String language = Language.normalize(body.optionalString("language"));
        String cwd = body.optionalString("cwd");
        if (!Language.isSupported(language)) throw new HttpError(400, Language.unsupportedMessage(language));
        Context c;
        try {
            c = contexts.create(language, cwd);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        } catch (IOException e) {
            throw new HttpError(500, "Failed to create context: " + e.getMessage());
        }
        Responses.json(ex, 200, c.toJson());
    }

    void list(HttpExchange ex) throws IOException {
        Responses.json(ex, 200, contexts.list().stream().map(Context::toJson).toList());
    }

    void delete(HttpExchange ex, String id) throws IOException, HttpError {
        if (!contexts.delete(id)) throw new HttpError(404, "Context " + id + " not found");
        Responses.jsonNull(ex);
    }

    void restart(HttpExchange ex, String id) throws IOException, HttpError {
        Context c = contexts.get(id);
        if (c == null) throw new HttpError(404, "Context " + id + " not found");
        try {
            c.restart();
        } catch (IOException e) {
            throw new HttpError(500, "Failed to restart context " + id + ": " + e.getMessage());
        }
        Responses.jsonNull(ex);
    }
}
