package dev.wrenn.hostagent.egress;

import java.util.HashMap;
import java.util.Map;

/**
 * The addresses a sandbox's own resolver handed its guest for names an egress list matches, with when
 * each stops counting. Wildcards have no addresses to look up in advance, and a name's answers vary
 * (CDNs, round robin): what the guest was told is what it will connect to, so that is what the firewall
 * opens (or closes). Kept per sandbox so that a table rewrite (an update, a TTL refresh) keeps them.
 */
final class LearnedAddresses {
    /** How long a learned address counts after the guest last resolved it. */
    static final int TIMEOUT_S = 600;

    private final Map<String, Map<Integer, Long>> byName = new HashMap<>();

    /**
     * Records {@code addr} for {@code name}; true if the firewall must be told (new, or past half its
     * time, so that a name resolved again and again does not cost a firewall call each time).
     */
    synchronized boolean learn(String name, int addr, long nowMs) {
        Map<Integer, Long> m = byName.computeIfAbsent(name, k -> new HashMap<>());
        Long until = m.get(addr);
        long fresh = nowMs + TIMEOUT_S * 1000L;
        if (until != null && until - nowMs > TIMEOUT_S * 500L) return false;
        m.put(addr, fresh);
        return true;
    }

    /** Adds the live addresses of the names {@code list} matches to {@code into}, as address to seconds left. */
    synchronized void collect(NetworkPolicy.Targets list, Map<Integer, Integer> into, long nowMs) {
        byName.values().forEach(m -> m.values().removeIf(until -> until <= nowMs));
        byName.values().removeIf(Map::isEmpty);
        for (var e : byName.entrySet()) {
            if (list.domains().stream().noneMatch(d -> d.matches(e.getKey()))) continue;
            for (var a : e.getValue().entrySet()) {
                int left = (int) Math.max(1, (a.getValue() - nowMs) / 1000);
                into.merge(a.getKey(), left, Math::max);
            }
        }
    }
}
