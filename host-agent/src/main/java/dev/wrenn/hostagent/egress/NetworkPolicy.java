package dev.wrenn.hostagent.egress;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sandbox's guest may connect to. For a connection to address A: allowed if A is in an
 * allowed network or is an address of an allowed domain; otherwise refused if A is in a denied network
 * or is an address of a denied domain; otherwise allowed iff {@code allowInternet}.
 *
 * @param allowOut IPv4 networks ({@code 10.0.0.0/8}, a bare address) and domains ({@code a.example.com},
 *     {@code *.example.com})
 */
public record NetworkPolicy(boolean allowInternet, List<String> allowOut, List<String> denyOut) {
    public static final int MAX_ENTRIES = 256;
    public static final NetworkPolicy OPEN = new NetworkPolicy(true, List.of(), List.of());

    /** Parsed entries of one list. */
    public record Targets(List<Cidr> networks, List<DomainPattern> domains) {
        public boolean isEmpty() {
            return networks.isEmpty() && domains.isEmpty();
        }
    }

    /** Normalised (lower case, no duplicates); IllegalArgumentException with a message fit for the caller. */
    public NetworkPolicy {
        allowOut = normalise("allow_out", allowOut);
        denyOut = normalise("deny_out", denyOut);
    }

    /**
     * Whether the guest may resolve {@code name}: not when a denied domain matches it and no allowed one
     * does. The firewall decides for addresses; refusing the name too gives a guest a clear error at once
     * and covers wildcards, which have no addresses to put in the firewall.
     */
    public boolean allowsName(String name) {
        if (parse(allowOut).domains().stream().anyMatch(d -> d.matches(name))) return true;
        return parse(denyOut).domains().stream().noneMatch(d -> d.matches(name));
    }

    /**
     * Whether a connection the firewall let through to {@code address} may go on, now that it names
     * {@code serverName} (its TLS SNI or HTTP Host; null if it names none). An allowed network admits
     * whatever name; otherwise the name decides as a domain entry would, and a connection that names
     * nothing is admitted only where the internet is, since its address may be open for some other name.
     */
    public boolean admits(String serverName, int address) {
        if (allowed().networks().stream().anyMatch(c -> c.contains(address))) return true;
        if (serverName == null) return allowInternet;
        if (allowed().domains().stream().anyMatch(d -> d.matches(serverName))) return true;
        if (denied().domains().stream().anyMatch(d -> d.matches(serverName))) return false;
        return allowInternet;
    }

    /** Whether connections are checked by name as well as by address: there are domains to check against. */
    public boolean hasDomains() {
        return !allowed().domains().isEmpty() || !denied().domains().isEmpty();
    }

    public Targets allowed() {
        return parse(allowOut);
    }

    public Targets denied() {
        return parse(denyOut);
    }

    private static List<String> normalise(String field, List<String> in) {
        if (in == null) return List.of();
        if (in.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(field + " has " + in.size() + " entries, at most " + MAX_ENTRIES);
        }
        List<String> out = new ArrayList<>();
        for (String s : in) {
            String e = parseOne(field, s);
            if (!out.contains(e)) out.add(e);
        }
        return List.copyOf(out);
    }

    private static String parseOne(String field, String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(field + " has an empty entry");
        String t = s.strip();
        if (t.contains(":")) {
            throw new IllegalArgumentException(field + ": '" + clip(t) + "': IPv6 is not supported (guests have none)");
        }
        try {
            Cidr c = Cidr.parseOrNull(t);
            return c != null ? c.toString() : DomainPattern.parse(t).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage().replace(t, clip(t)), e);
        }
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static Targets parse(List<String> entries) {
        List<Cidr> nets = new ArrayList<>();
        List<DomainPattern> doms = new ArrayList<>();
        for (String e : entries) {
            Cidr c = Cidr.parseOrNull(e);
            if (c != null) nets.add(c);
            else doms.add(DomainPattern.parse(e));
        }
        return new Targets(List.copyOf(nets), List.copyOf(doms));
    }
}
