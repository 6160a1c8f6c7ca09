package dev.wrenn.controlplane.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * Seeded generators of malformed and extreme input. Every value is JSON text (or raw bytes) rather than a tree, so
 * that inputs a JSON library would refuse to build (lone surrogates, numbers past any type's range, duplicate keys)
 * reach the server too.
 */
final class HostileGen {
    /** Strings that have broken servers: traversal, NUL, control bytes, injection, odd Unicode. */
    static final List<String> NASTY = List.of(
            "",
            " ",
            "..",
            "../../../../etc/passwd",
            "/../../../etc/shadow",
            "/proc/self/environ",
            "/proc/1/root/etc/passwd",
            "/dev/zero",
            "/root/\u0000/etc",
            "a\u0000b",
            "\u0000",
            "a\r\nX-Injected: 1",
            "%00",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "..%2f..%2fetc",
            "' OR '1'='1' --",
            "%s%s%s%n",
            "${jndi:ldap://127.0.0.1/x}",
            "\u202e\u0644\ud83d\ude00",
            "C:\\Windows\\System32",
            "~/../../root",
            "//etc//passwd",
            "/./././.",
            "-1",
            "NaN");

    private final SplittableRandom random;

    HostileGen(SplittableRandom random) {
        this.random = random;
    }

    SplittableRandom random() {
        return random;
    }

    <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    /** A long path: many segments, or one name past NAME_MAX, or past PATH_MAX. */
    String longPath() {
        return switch (random.nextInt(3)) {
            case 0 -> "/" + "a/".repeat(2100);
            case 1 -> "/tmp/" + "n".repeat(300);
            default -> "/" + "x".repeat(5000);
        };
    }

    /** A hostile string's Java value (encoded with {@link #quote} when it goes into JSON). */
    String string() {
        return switch (random.nextInt(6)) {
            case 0, 1 -> pick(NASTY);
            case 2 -> longPath();
            case 3 -> "z".repeat(1 + random.nextInt(200_000));
            case 4 -> pick(NASTY) + "/" + pick(NASTY);
            default -> randomUnicode(1 + random.nextInt(64));
        };
    }

    private String randomUnicode(int length) {
        var b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x20);
                case 1 -> 0x80 + random.nextInt(0x780);
                case 2 -> 0x1F600 + random.nextInt(80);
                default -> 0x20 + random.nextInt(0x5F);
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    /** JSON text for a value of any kind, most of them wrong wherever they land. */
    String value() {
        return switch (random.nextInt(14)) {
            case 0 -> quote(string());
            case 1 ->
                pick(List.of("1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(400)));
            case 2 -> pick(List.of("-1", "0", "-0", "2147483648", "-2147483649", "4294967296", "1.5", "1e-400"));
            case 3 -> pick(List.of("true", "false", "null"));
            case 4 -> "{}";
            case 5 -> "[]";
            case 6 -> hugeArray();
            case 7 -> deep();
            case 8 -> "\"\\ud800\"";
            case 9 -> "\"\\u0000\"";
            case 10 -> "{\"" + "k".repeat(50) + "\":" + quote(pick(NASTY)) + "}";
            case 11 -> "[" + quote(pick(NASTY)) + ",1,null,{}]";
            case 12 -> quote(longPath());
            default -> Integer.toString(random.nextInt());
        };
    }

    /** A value of the wrong JSON type for a field whose schema is given: never valid there. */
    String wrongType(JsonNode schema) {
        String type = schema == null ? "" : schema.path("type").asString("");
        List<String> wrong = new ArrayList<>(List.of("true", "{}", "[]", "\"x\"", "12", "1.5"));
        switch (type) {
            case "string" -> wrong.removeAll(List.of("\"x\""));
            case "integer" -> wrong.removeAll(List.of("12"));
            case "number" -> wrong.removeAll(List.of("12", "1.5"));
            case "boolean" -> wrong.removeAll(List.of("true"));
            case "object" -> wrong.removeAll(List.of("{}"));
            case "array" -> wrong.removeAll(List.of("[]"));
            default -> {}
        }
        return pick(wrong);
    }

    String hugeArray() {
        int n = 1_000 + random.nextInt(60_000);
        var b = new StringBuilder("[");
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(random.nextBoolean() ? "1" : "\"s\"");
        return b.append(']').toString();
    }

    /** Nesting deeper than any parser should follow: it must be refused, not recursed into. */
    String deep() {
        int n = 2_000 + random.nextInt(20_000);
        return "[".repeat(n) + "]".repeat(n);
    }

    /**
     * A JSON object for a request schema: each known field dropped, kept hostile, or given a wrong type; unknown and
     * duplicate fields added. With {@code mustBeInvalid} at least one known field (or the whole body) is wrong.
     */
    String object(JsonNode schema, boolean mustBeInvalid) {
        var props = schema == null ? null : schema.get("properties");
        var parts = new ArrayList<String>();
        boolean wrong = false;
        if (props != null) {
            for (var name : props.propertyNames()) {
                int roll = random.nextInt(10);
                if (roll < 2) continue;
                if (roll < 5) {
                    parts.add(quote(name) + ":" + wrongType(props.get(name)));
                    wrong = true;
                } else {
                    parts.add(quote(name) + ":" + value());
                }
            }
        }
        if (chance(40)) parts.add(quote(string()) + ":" + value());
        if (chance(15) && !parts.isEmpty()) parts.add(parts.getFirst());
        if (mustBeInvalid && !wrong) {
            if (props != null && !props.isEmpty()) {
                String name = pick(List.copyOf(props.propertyNames()));
                parts.add(quote(name) + ":" + wrongType(props.get(name)));
            } else {
                return pick(List.of("[]", "42", "\"str\"", "{", "{\"a\":}"));
            }
        }
        return "{" + String.join(",", parts) + "}";
    }

    /** A body that is not a JSON object at all: truncated, invalid UTF-8, binary, another type. */
    byte[] brokenBody() {
        return switch (random.nextInt(10)) {
            case 0 -> new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            case 1 -> new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0, '{', '}'};
            case 2 -> "{\"path\":".getBytes(StandardCharsets.UTF_8);
            case 3 -> "[1,2,3]".getBytes(StandardCharsets.UTF_8);
            case 4 -> "\u0000\u0000\u0000".getBytes(StandardCharsets.UTF_8);
            case 5 -> "\uFEFF{}garbage".getBytes(StandardCharsets.UTF_8);
            case 6 -> "{'single': 'quotes'}".getBytes(StandardCharsets.UTF_8);
            case 7 -> deep().getBytes(StandardCharsets.UTF_8);
            case 8 -> randomBytes(1 + random.nextInt(4096));
            default -> "null".getBytes(StandardCharsets.UTF_8);
        };
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) random.nextInt(256);
        return b;
    }

    /** A Content-Type header value, or null for none. */
    String contentType(String proper) {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "text/plain";
            case 2 -> "application/json; charset=ISO-8859-1";
            case 3 -> "multipart/form-data";
            case 4 -> "application/x-www-form-urlencoded";
            case 5 -> "\u00ff/\u00fe";
            default -> proper;
        };
    }

    /** Raw bytes for a path segment or query value: percent-encoded tricks, raw invalid UTF-8, long ones. */
    byte[] segment() {
        String s = switch (random.nextInt(9)) {
            case 0 -> "%2e%2e";
            case 1 -> "%00";
            case 2 -> "%C3%28";
            case 3 -> "%ff%fe";
            case 4 -> "a".repeat(1 + random.nextInt(6_000));
            case 5 -> "..%2f..%2fv1%2fapi-keys";
            case 6 -> "sb-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            case 7 -> "%" + "zz";
            default -> encode(pick(NASTY));
        };
        if (random.nextInt(10) == 0) return new byte[] {'s', 'b', (byte) 0xC3, (byte) 0x28};
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Percent-encodes everything but unreserved characters. */
    static String encode(String s) {
        var out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (Character.isLetterOrDigit(c) && c < 0x80 || "-._~".indexOf(c) >= 0) out.append((char) c);
            else out.append('%').append(String.format("%02X", c));
        }
        return out.toString();
    }

    /** A JSON string literal: control characters escaped, everything else as is (so NUL arrives as \u0000). */
    static String quote(String s) {
        var out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
