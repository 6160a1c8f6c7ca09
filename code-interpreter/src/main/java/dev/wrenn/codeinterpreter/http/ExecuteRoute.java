package dev.wrenn.codeinterpreter.http;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.codeinterpreter.context.Context;
import dev.wrenn.codeinterpreter.context.Contexts;
import dev.wrenn.codeinterpreter.context.Language;
import dev.wrenn.codeinterpreter.execute.ClientGoneException;
import dev.wrenn.codeinterpreter.execute.OutputEvent;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /execute}: picks the context (by id, by language, or the default one), then streams the
 * execution. Errors found before the stream starts are plain-text 4xx/5xx; after, they are events.
 */
final class ExecuteRoute {
    private final Contexts contexts;
    private final int maxBodyBytes;

    ExecuteRoute(Contexts contexts, int maxBodyBytes) {
        this.contexts = contexts;
        this.maxBodyBytes = maxBodyBytes;
    }

    void handle(HttpExchange ex) throws IOException, HttpError, InterruptedException {
        RequestBody body = RequestBody.read(ex, maxBodyBytes);
        String code = body.requiredString("code");
        String contextId = body.optionalString("context_id");
        String language = body.optionalString("language");
        Map<String, String> env = body.optionalStringMap("env_vars");
        Context context = pick(contextId, language);
        try (var stream = new LineStream(ex)) {
            try {
                context.execute(code, env, stream);
                stream.emit(new OutputEvent.EndOfExecution());
            } catch (ClientGoneException gone) {
                // the execution was interrupted; nobody is left to answer
            }
        }
    }

    private Context pick(String contextId, String language) throws HttpError {
        if (contextId != null && language != null) {
            throw new HttpError(400, "Only one of context_id or language can be provided");
        }
        if (contextId != null) {
            Context c = contexts.get(contextId);
            if (c == null) throw new HttpError(404, "Context " + contextId + " not found");
            return c;
        }
        String lang = Language.normalize(language);
        if (!Language.isSupported(lang)) throw new HttpError(400, Language.unsupportedMessage(lang));
        try {
            return contexts.defaultContext();
        } catch (IOException e) {
            throw new HttpError(500, e.getMessage());
        }
    }
}
