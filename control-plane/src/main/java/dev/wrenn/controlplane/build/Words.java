package dev.wrenn.controlplane.build;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The lexical parts of a recipe line: shell-like words, JSON arrays, variable references, durations. */
final class Words {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private Words() {}

    /**
     * Splits on unquoted whitespace; single quotes keep everything, double quotes and bare text take a
     * backslash as an escape. {@code $VAR} and {@code ${VAR}} outside single quotes are replaced from
     * {@code env} when it is given (unset: empty, as Docker does).
     */
    static List<String> split(int line, String text, Map<String, String> env) {
        var words = new ArrayList<String>();
        var cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                else cur.append(c);
            } else if (c == '\\' && i + 1 < text.length()) {
                cur.append(text.charAt(++i));
                inWord = true;
            } else if (quote == '"' && c == '"') {
                quote = 0;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
                inWord = true;
            } else if (c == '$' && env != null) {
                i = expand(line, text, i, env, cur);
                inWord = true;
            } else if (quote == 0 && Character.isWhitespace(c)) {
                if (inWord) words.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new RecipeException(line, "unterminated " + quote + " quote");
        if (inWord) words.add(cur.toString());
        return words;
    }

    /** Appends the value of the reference starting at {@code at} ('$'); returns the index of its last char. */
    private static int expand(int line, String text, int at, Map<String, String> env, StringBuilder out) {
        int i = at + 1;
        if (i < text.length() && text.charAt(i) == '{') {
            int end = text.indexOf('}', i);
            if (end < 0) throw new RecipeException(line, "unterminated ${ in '" + text + "'");
            String name = text.substring(i + 1, end);
            if (!RecipeParser.ENV_NAME.matcher(name).matches())
                throw new RecipeException(line, "'${" + name + "}': only plain ${NAME} references are supported");
            out.append(env.getOrDefault(name, ""));
            return end;
        }
        int end = i;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) end++;
        if (end == i) {
            out.append('$');
            return at;
        }
        out.append(env.getOrDefault(text.substring(i, end), ""));
        return end - 1;
    }

    /** The exec form {@code ["a", "b"]}, or empty when the text is not a JSON array of strings (shell form). */
    static Optional<List<String>> jsonArray(String text) {
        String t = text.strip();
        if (!t.startsWith("[")) return Optional.empty();
        JsonNode node;
        try {
            node = JSON.readTree(t);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!node.isArray()) return Optional.empty();
        var out = new ArrayList<String>();
        for (var n : node) {
            if (!n.isString()) return Optional.empty();
            out.add(n.asString());
        }
        return Optional.of(out);
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m30s}, {@code 1h}. */
    static Duration duration(int line, String option, String text) {
        var m = DURATION.matcher(text);
        if (text.isEmpty() || !m.matches())
            throw new RecipeException(line, option + " '" + text + "' is not a duration such as 500ms, 2s or 1m30s");
        long ms = 0;
        long[] unit = {3_600_000, 60_000, 1000, 1};
        for (int g = 1; g <= 4; g++) if (m.group(g) != null) ms += Long.parseLong(m.group(g)) * unit[g - 1];
        if (ms <= 0 || ms > 3_600_000) throw new RecipeException(line, option + " must be between 1ms and 1h");
        return Duration.ofMillis(ms);
    }
}
