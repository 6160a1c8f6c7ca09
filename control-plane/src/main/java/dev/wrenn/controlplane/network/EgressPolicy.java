package dev.wrenn.controlplane.network;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What a sandbox's guest may connect to (docs/security/egress.md): for an address A, allowed if A is in
 * {@code allowOut} (a network, or an address of a listed domain), else refused if in {@code denyOut},
 * else allowed iff {@code allowInternetAccess}. Entries are IPv4 networks or addresses and domains
 * ({@code api.example.com}, {@code *.example.com}), normalised here so that what is stored, returned and
 * sent to the host agent is the same text; the host agent enforces it.
 */
public record EgressPolicy(boolean allowInternetAccess, List<String> allowOut, List<String> denyOut) {
    public static final EgressPolicy OPEN = new EgressPolicy(true, List.of(), List.of());
    /** Entries per list, the host agent's own cap. */
    public static final int MAX_ENTRIES = 256;

    static final Set<String> FIELDS = Set.of("allow_internet_access", "allow_out", "deny_out");
    private static final Pattern V4 =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(/(\\d{1,2}))?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public EgressPolicy {
        allowOut = List.copyOf(allowOut);
        denyOut = List.copyOf(denyOut);
    }

    /** The {@code network} object of our API; null or absent: {@link #OPEN}. 400 naming the bad part. */
    public static EgressPolicy fromJson(JsonNode node, String where) {
        if (node == null || node.isNull()) return OPEN;
        if (!node.isObject()) throw ApiException.invalid("'" + where + "' must be an object");
        for (String k : node.propertyNames()) {
            if (!FIELDS.contains(k)) throw ApiException.invalid("'" + where + "." + k + "' is not a known field");
        }
        JsonNode internet = node.get("allow_internet_access");
        if (internet != null && !internet.isNull() && !internet.isBoolean()) {
            throw ApiException.invalid("'" + where + ".allow_internet_access' must be a boolean");
        }
        return new EgressPolicy(
                internet == null || internet.isNull() || internet.booleanValue(),
                list(node.get("allow_out"), where + ".allow_out"),
                list(node.get("deny_out"), where + ".deny_out"));
    }

    /** A JSON array of entries; null or absent: empty. */
    public static List<String> list(JsonNode node, String where) {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw ApiException.invalid("'" + where + "' must be an array of strings");
        if (node.size() > MAX_ENTRIES) {
            throw ApiException.invalid("'" + where + "' has " + node.size() + " entries, at most " + MAX_ENTRIES);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : node) {
            if (!e.isString()) throw ApiException.invalid("'" + where + "' must be an array of strings");
            String n = entry(e.stringValue(), where);
            if (!out.contains(n)) out.add(n);
        }
        return out;
    }

    /** One entry, normalised (lower case, no trailing dot, a bare address as itself). */
    static String entry(String raw, String where) {
        String s = raw.strip().toLowerCase(Locale.ROOT);
        String shown = s.length() <= 80 ? s : s.substring(0, 80) + "...";
        if (s.isEmpty()) throw ApiException.invalid("'" + where + "' has an empty entry");
        if (s.contains(":")) {
            throw ApiException.invalid("'" + where + "': '" + shown + "': IPv6 is not supported (guests have none)");
        }
        var m = V4.matcher(s);
        if (m.matches()) {
            long addr = 0;
            for (int i = 1; i <= 4; i++) {
                int o = Integer.parseInt(m.group(i));
                if (o > 255) throw ApiException.invalid("'" + where + "': '" + shown + "' is not an IPv4 address");
                addr = addr << 8 | o;
            }
            int len = m.group(6) == null ? 32 : Integer.parseInt(m.group(6));
            if (len > 32) throw ApiException.invalid("'" + where + "': '" + shown + "' has a prefix past /32");
            long mask = len == 0 ? 0 : (0xFFFFFFFFL << (32 - len)) & 0xFFFFFFFFL;
            if ((addr & ~mask & 0xFFFFFFFFL) != 0) {
                throw ApiException.invalid("'" + where + "': '" + shown + "' has host bits set past /" + len);
            }
            return s;
        }
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        String bare = name.startsWith("*.") ? name.substring(2) : name;
        String[] labels = bare.split("\\.", -1);
        boolean ok = bare.length() <= 253
                && labels.length >= 2
                && java.util.Arrays.stream(labels)
                        .allMatch(l -> LABEL.matcher(l).matches())
                && !labels[labels.length - 1].matches("\\d+");
        if (!ok) {
            throw ApiException.invalid("'" + where + "': '" + shown
                    + "' is neither an IPv4 network nor a domain (api.example.com, *.example.com)");
        }
        return name;
    }

    /** As stored in the sandboxes table (null for the default, which older rows have too). */
    public String toDatabase() {
        if (equals(OPEN)) return null;
        var o = JsonBody.MAPPER.createObjectNode();
        o.put("allow_internet_access", allowInternetAccess);
        allowOut.forEach(o.putArray("allow_out")::add);
        denyOut.forEach(o.putArray("deny_out")::add);
        return JsonBody.MAPPER.writeValueAsString(o);
    }

    /** Read back with the same rules it was written under. */
    public static EgressPolicy fromDatabase(String json) {
        if (json == null) return OPEN;
        return fromJson(JsonBody.MAPPER.readTree(json), "network");
    }
}
