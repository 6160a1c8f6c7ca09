package dev.wrenn.hostagent.egress;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A domain in an egress list: exact ({@code api.example.com}) or a wildcard ({@code *.example.com},
 * which matches every name below example.com but not example.com itself, as in TLS certificates).
 */
public record DomainPattern(String suffix, boolean wildcard) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public static DomainPattern parse(String s) {
        String name = s.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
        boolean wild = name.startsWith("*.");
        if (wild) name = name.substring(2);
        if (name.length() > 253 || name.isEmpty()) throw new IllegalArgumentException("'" + s + "' is not a domain");
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) throw new IllegalArgumentException("'" + s + "' is not a fully qualified domain");
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) throw new IllegalArgumentException("'" + s + "' is not a domain");
        }
        if (labels[labels.length - 1].matches("\\d+")) {
            throw new IllegalArgumentException("'" + s + "' is neither an IPv4 network nor a domain");
        }
        return new DomainPattern(name, wild);
    }

    /** Whether {@code host} (a name from DNS, SNI or Host, any case, maybe with a trailing dot) matches. */
    public boolean matches(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return wildcard ? h.endsWith("." + suffix) : h.equals(suffix);
    }

    @Override
    public String toString() {
        return wildcard ? "*." + suffix : suffix;
    }
}
