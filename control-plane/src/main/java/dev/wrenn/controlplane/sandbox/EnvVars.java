package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Environment variables given at create: every process in the sandbox sees them. They go to the
 * guest and nowhere else (never stored), since callers put secrets in them.
 */
public final class EnvVars {
    public static final int MAX_VARS = 256;
    public static final int MAX_VALUE_CHARS = 32 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");

    private EnvVars() {}

    /** The variables in a request's {@code field}; absent or null is none. */
    public static Map<String, String> fromJson(JsonNode node, String field) {
        var vars = Metadata.strings(node, field);
        if (vars.size() > MAX_VARS)
            throw ApiException.invalid("'" + field + "' may have at most " + MAX_VARS + " variables");
        vars.forEach((k, v) -> {
            if (!NAME.matcher(k).matches()) {
                throw ApiException.invalid("'" + field + "' name '" + k + "' must match " + NAME.pattern());
            }
            if (v.length() > MAX_VALUE_CHARS || v.indexOf('\0') >= 0) {
                throw ApiException.invalid(
                        "'" + field + "." + k + "' must be at most " + MAX_VALUE_CHARS + " characters without NUL");
            }
        });
        return Map.copyOf(vars);
    }
}
