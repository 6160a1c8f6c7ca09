package dev.wrenn.sdk.code;

import dev.wrenn.sdk.http.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cell of code to run in a sandbox's code interpreter. By default it runs in the default Python context, which
 * keeps its variables and imports from one cell to the next; {@code language} asks for a fresh context of that
 * language, {@code contextId} for a context made through the interpreter's own {@code /contexts} (not both).
 * {@code envVars} apply to this cell only; past {@code timeout} (default 300 s) the cell is interrupted and the
 * call fails with a {@link dev.wrenn.sdk.ServerTimeoutException} ({@code execution_timeout}).
 */
public record CodeRun(String code, String language, String contextId, Map<String, String> envVars, Duration timeout) {
    public CodeRun {
        if (code == null) throw new IllegalArgumentException("a cell needs code");
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
    }

    public static Builder builder(String code) {
        return new Builder(code);
    }

    Json.Fields json() {
        return Json.object()
                .put("code", code)
                .put("language", language)
                .put("context_id", contextId)
                .putNonEmpty("env_vars", envVars)
                .put("timeout_sec", timeout == null ? null : Math.max(1, timeout.toSeconds()));
    }

    public static final class Builder {
        private final String code;
        private String language;
        private String contextId;
        private final Map<String, String> envVars = new LinkedHashMap<>();
        private Duration timeout;

        private Builder(String code) {
            this.code = code;
        }

        public Builder language(String language) {
            this.language = language;
            return this;
        }

        public Builder contextId(String contextId) {
            this.contextId = contextId;
            return this;
        }

        public Builder envVar(String name, String value) {
            envVars.put(name, value);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public CodeRun build() {
            return new CodeRun(code, language, contextId, envVars, timeout);
        }
    }
}
