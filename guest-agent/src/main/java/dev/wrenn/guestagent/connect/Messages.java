package dev.wrenn.guestagent.connect;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field access for proto3 JSON messages decoded into maps: a field is found under its lowerCamelCase JSON name or
 * its original snake_case name; numbers may arrive as JSON numbers or strings, bytes as standard or URL-safe
 * base64, enums as names or numbers. A value of the wrong shape is {@code invalid_argument}.
 */
public final class Messages {
    private Messages() {}

    public static Object get(Map<String, Object> m, String camel) {
        if (m == null) return null;
        Object v = m.get(camel);
        return v != null ? v : m.get(snake(camel));
    }

    static String snake(String camel) {
        var sb = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) sb.append('_').append(Character.toLowerCase(c));
            else sb.append(c);
        }
        return sb.toString();
    }

    public static boolean has(Map<String, Object> m, String camel) {
        return get(m, camel) != null;
    }

    public static String string(Map<String, Object> m, String name) {
        String s = optString(m, name);
        return s == null ? "" : s;
    }

    public static String optString(Map<String, Object> m, String name) {
        Object v = get(m, name);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw ConnectError.invalidArgument("field " + name + " must be a string");
    }

    /** A proto3 bool, or {@code fallback} when the field is absent (an unset {@code optional bool}). */
    public static boolean bool(Map<String, Object> m, String name, boolean fallback) {
        Object v = get(m, name);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        throw ConnectError.invalidArgument("field " + name + " must be a boolean");
    }

    public static long integer(Map<String, Object> m, String name, long min, long max) {
        Object v = get(m, name);
        if (v == null) return 0;
        long n;
        try {
            n = switch (v) {
                case Long l -> l;
                case Double d when d == Math.rint(d) -> d.longValue();
                case String s -> Long.parseLong(s.trim());
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException e) {
            throw ConnectError.invalidArgument("field " + name + " must be an integer");
        }
        if (n < min || n > max) throw ConnectError.invalidArgument("field " + name + " is out of range: " + n);
        return n;
    }

    public static long uint32(Map<String, Object> m, String name) {
        return integer(m, name, 0, 0xffffffffL);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> message(Map<String, Object> m, String name) {
        Object v = get(m, name);
        if (v == null) return null;
        if (v instanceof Map<?, ?> sub) return (Map<String, Object>) sub;
        throw ConnectError.invalidArgument("field " + name + " must be an object");
    }

    public static List<String> strings(Map<String, Object> m, String name) {
        Object v = get(m, name);
        if (v == null) return List.of();
        if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
            return l.stream().map(String.class::cast).toList();
        }
        throw ConnectError.invalidArgument("field " + name + " must be a list of strings");
    }

    public static Map<String, String> stringMap(Map<String, Object> m, String name) {
        Object v = get(m, name);
        var out = new LinkedHashMap<String, String>();
        if (v == null) return out;
        if (!(v instanceof Map<?, ?> raw)) throw ConnectError.invalidArgument("field " + name + " must be a map");
        for (var e : raw.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw ConnectError.invalidArgument("field " + name + " must map strings to strings");
            }
            out.put(String.valueOf(e.getKey()), s);
        }
        return out;
    }

    public static byte[] bytes(Map<String, Object> m, String name) {
        Object v = get(m, name);
        if (v == null) return null;
        if (!(v instanceof String s)) throw ConnectError.invalidArgument("field " + name + " must be base64");
        try {
            boolean urlSafe = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s.trim());
        } catch (IllegalArgumentException e) {
            throw ConnectError.invalidArgument("field " + name + " is not valid base64");
        }
    }

    /** An enum by name or number; returns the number, or -1 when the value names no known constant. */
    public static long enumValue(Map<String, Object> m, String name, Map<String, Integer> constants) {
        Object v = get(m, name);
        if (v == null) return 0;
        if (v instanceof String s) {
            Integer n = constants.get(s);
            if (n != null) return n;
            if (!s.matches("-?[0-9]+")) return -1;
        }
        return integer(m, name, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }
}
