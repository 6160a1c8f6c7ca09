package dev.wrenn.controlplane.code;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.sandbox.EnvVars;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A cell to run: {@code POST /v1/sandboxes/{id}/code}'s body, checked here so that the guest's server only
 * ever sees well-formed requests.
 *
 * @param contextId the code context to run in (null: the default one, or a fresh one per {@code language})
 */
record CodeRequest(String code, String language, String contextId, Map<String, String> envVars, int timeoutSec) {
    static final int MAX_CODE_CHARS = 1 << 20;
    static final int DEFAULT_TIMEOUT_SEC = 300;
    static final int MAX_TIMEOUT_SEC = 3600;
    private static final Set<String> FIELDS = Set.of("code", "language", "context_id", "env_vars", "timeout_sec");

    static CodeRequest read(JsonBody body) {
        for (var e : body.root().properties()) {
            if (!FIELDS.contains(e.getKey())) throw ApiException.invalid("unknown field '" + e.getKey() + "'");
        }
        String code = body.requiredString("code");
        if (code.length() > MAX_CODE_CHARS) {
            throw ApiException.invalid("'code' must be at most " + MAX_CODE_CHARS + " characters");
        }
        String language = body.optionalString("language").orElse(null);
        String context = body.optionalString("context_id").orElse(null);
        if (language != null && context != null) {
            throw ApiException.invalid("give 'language' or 'context_id', not both: a context has its language");
        }
        if (language != null && !language.matches("[A-Za-z0-9_+-]{1,32}")) {
            throw ApiException.invalid("'language' must be a language name such as python");
        }
        if (context != null && !context.matches("[A-Za-z0-9_-]{1,128}")) {
            throw ApiException.invalid("'context_id' must be a context id as the code interpreter gave it");
        }
        var env = EnvVars.fromJson(body.root().get("env_vars"), "env_vars");
        int timeout = body.optionalInt("timeout_sec").orElse(DEFAULT_TIMEOUT_SEC);
        if (timeout < 1 || timeout > MAX_TIMEOUT_SEC) {
            throw ApiException.invalid("'timeout_sec' must be between 1 and " + MAX_TIMEOUT_SEC);
        }
        return new CodeRequest(code, language, context, env, timeout);
    }

    /** The body the guest's server takes (E2B's code interpreter protocol). */
    Map<String, Object> guestBody() {
        var m = new LinkedHashMap<String, Object>();
        m.put("code", code);
        if (language != null) m.put("language", language);
        if (contextId != null) m.put("context_id", contextId);
        if (!envVars.isEmpty()) m.put("env_vars", envVars);
        return m;
    }
}
