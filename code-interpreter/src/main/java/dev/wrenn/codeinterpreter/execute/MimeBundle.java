package dev.wrenn.codeinterpreter.execute;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps a Jupyter MIME bundle ({@code content.data} of execute_result and display_data) to the keys of
 * E2B's Result: the well-known types get short names, everything else is kept under {@code extra}.
 */
public final class MimeBundle {
    private static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("text/plain", "text");
        KEYS.put("text/html", "html");
        KEYS.put("text/markdown", "markdown");
        KEYS.put("image/svg+xml", "svg");
        KEYS.put("image/png", "png");
        KEYS.put("image/jpeg", "jpeg");
        KEYS.put("application/pdf", "pdf");
        KEYS.put("text/latex", "latex");
        KEYS.put("application/json", "json");
        KEYS.put("application/javascript", "javascript");
        // E2B's own types, produced by its kernel extensions; passed through for kernels that have them.
        KEYS.put("e2b/data", "data");
        KEYS.put("e2b/chart", "chart");
    }

    private MimeBundle() {}

    /** The E2B fields of {@code data}, in E2B's order of formats, then {@code extra}. */
    public static Map<String, Object> toFields(Map<String, Object> data) {
        var fields = new LinkedHashMap<String, Object>();
        var extra = new LinkedHashMap<String, Object>();
        for (var k : KEYS.entrySet()) {
            Object value = data.get(k.getKey());
            if (value != null) fields.put(k.getValue(), k.getValue().equals("text") ? unquote(value) : value);
        }
        for (var e : data.entrySet()) {
            if (!KEYS.containsKey(e.getKey())) extra.put(e.getKey(), e.getValue());
        }
        // Always present, if empty, as E2B's server sends it (its Result keeps the leftovers as a dict).
        fields.put("extra", extra);
        return fields;
    }

    /**
     * A str's repr comes quoted ({@code 'hello'}); E2B's server drops one pair of quotes so that
     * {@code execution.text} reads as the value. Kept for compatibility with what SDK users expect.
     */
    static Object unquote(Object text) {
        if (text instanceof String s && s.length() >= 2) {
            char first = s.charAt(0);
            if ((first == '\'' || first == '"') && s.charAt(s.length() - 1) == first) {
                return s.substring(1, s.length() - 1);
            }
        }
        return text;
    }
}
