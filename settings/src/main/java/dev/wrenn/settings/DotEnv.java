package dev.wrenn.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: {@code NAME=value} lines, the way the tools people know read them. Blank lines and
 * lines starting with {@code #} are skipped; {@code export } before a name is allowed; a value is taken as it is
 * (trimmed, and a {@code " #"} starts a comment), in single quotes literally, or in double quotes with
 * {@code \n \t \" \\ \$} escapes. A value ends on its own line. Anything else is refused with the line's number,
 * since a setting silently dropped would start a server configured otherwise than its operator wrote.
 */
public final class DotEnv {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DotEnv() {}

    /** The variables of {@code lines}, in order (a later line wins); {@code source} names the file in errors. */
    public static Map<String, String> parse(List<String> lines, String source) {
        var vars = new LinkedHashMap<String, String>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("export "))
                line = line.substring("export ".length()).stripLeading();
            int eq = line.indexOf('=');
            String where = source + " line " + (i + 1) + ": ";
            if (eq < 0) throw new SettingsException(where + "expected NAME=value, found no '='");
            String name = line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                throw new SettingsException(where + "'" + name + "' is not a variable name (letters, digits, _)");
            }
            vars.put(name, value(line.substring(eq + 1).strip(), where));
        }
        return vars;
    }

    private static String value(String raw, String where) {
        if (raw.isEmpty()) return "";
        char q = raw.charAt(0);
        if (q != '"' && q != '\'') {
            int comment = raw.indexOf(" #");
            String v = (comment >= 0 ? raw.substring(0, comment) : raw).strip();
            if (v.indexOf('"') >= 0 || v.indexOf('\'') >= 0) {
                throw new SettingsException(where + "a quote inside an unquoted value; quote the whole value");
            }
            return v;
        }
        var out = new StringBuilder();
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == q) {
                String rest = raw.substring(i + 1).strip();
                if (!rest.isEmpty() && !rest.startsWith("#")) {
                    throw new SettingsException(where + "text after the closing quote: " + rest);
                }
                return out.toString();
            }
            if (q == '"' && c == '\\' && i + 1 < raw.length()) {
                char e = raw.charAt(++i);
                out.append(
                        switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case '"', '\\', '$' -> e;
                            default -> throw new SettingsException(where + "unknown escape \\" + e);
                        });
                continue;
            }
            out.append(c);
        }
        throw new SettingsException(where + "the value's " + q + " is never closed (values end on their line)");
    }
}
