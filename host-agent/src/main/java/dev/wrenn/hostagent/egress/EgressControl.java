package dev.wrenn.hostagent.egress;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.network.NeverReach;
import dev.wrenn.hostagent.network.dns.NamePolicy;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces each running sandbox's {@link NetworkPolicy} in its slot: resolves the policy's domains
 * through the upstream DNS, writes the slot's egress table, and re-resolves on the answers' TTL so
 * that the address sets follow the names.
 */
public final class EgressControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EgressControl.class);
    /** Addresses outlive their TTL by this much, so a refresh a little late never opens a gap. */
    private static final int GRACE_S = 60;

    private static final int MIN_REFRESH_S = 5;
    private static final int MAX_REFRESH_S = 300;

    private record Applied(
            NetworkSlot slot,
            NetworkPolicy policy,
            ScheduledFuture<?> refresh,
            LearnedAddresses learned,
            NameChecker checker) {}

    private final String table;
    private final DnsClient dns;
    private final NeverReach guard;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "egress-dns-refresh");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();

    public EgressControl(String prefix, DnsClient dns, NeverReach guard) {
        this.table = prefix + "egress";
        this.dns = dns;
        this.guard = guard;
    }

    /** Puts {@code policy} in force for sandbox {@code id} in {@code slot}; {@code rt} stops the refreshes. */
    public void apply(String id, NetworkSlot slot, NetworkPolicy policy, Teardown rt) throws IOException {
        write(id, slot, policy);
        rt.add("egress refresh", () -> stop(id));
    }

    /**
     * What sandbox {@code id}'s resolver may answer (its policy in force at the time of each query), and
     * what it learns from the answers: the addresses of names an egress list matches are put in the
     * firewall before the guest sees them.
     */
    public NamePolicy names(String id) {
        return new NamePolicy() {
            @Override
            public boolean allows(String name) {
                Applied a = applied.get(id);
                return a == null || a.policy().allowsName(name);
            }

            @Override
            public void observe(String name, List<InetAddress> addresses) {
                learn(id, name, addresses);
            }
        };
    }

    // Under the same lock as write(): an address learned while the table is rewritten is not lost.
    private synchronized void learn(String id, String name, List<InetAddress> addresses) {
        Applied a = applied.get(id);
        if (a == null) return;
        // The allow list wins, as for addresses.
        String set = a.policy().allowed().domains().stream().anyMatch(d -> d.matches(name))
                ? "allow_dom"
                : a.policy().denied().domains().stream().anyMatch(d -> d.matches(name)) ? "deny_dom" : null;
        if (set == null) return;
        long now = System.currentTimeMillis();
        List<String> fresh = addresses.stream()
                .filter(x -> x instanceof Inet4Address)
                .map(x -> Cidr.parseAddress(x.getHostAddress()))
                .filter(x -> a.learned().learn(name, x, now))
                .map(Cidr::text)
                .toList();
        if (fresh.isEmpty()) return;
        // add, delete, add in one transaction: the element is (re)created with a full timeout whether or
        // not it was there.
        String el = " element ip " + table + " " + set + " { ";
        StringBuilder script = new StringBuilder();
        for (String x : fresh) {
            script.append("add").append(el).append(x).append(" }\n");
            script.append("delete").append(el).append(x).append(" }\n");
            script.append("add")
                    .append(el)
                    .append(x)
                    .append(" timeout ")
                    .append(LearnedAddresses.TIMEOUT_S)
                    .append("s }\n");
        }
        try {
            HostCommand.check(List.of("ip", "netns", "exec", a.slot().netns(), "nft", "-f", "-"), script.toString());
        } catch (IOException e) {
            log.warn("sandbox {}: addresses of {} not put in the firewall: {}", id, name, e.getMessage());
        }
    }

    /** Replaces the policy of a sandbox whose slot is in force now; false if it has none (not running). */
    public synchronized boolean update(String id, NetworkPolicy policy) throws IOException {
        Applied a = applied.get(id);
        if (a == null) return false;
        write(id, a.slot(), policy);
        return true;
    }

    private synchronized void write(String id, NetworkSlot slot, NetworkPolicy policy) throws IOException {
        Map<Integer, Integer> allow = new HashMap<>();
        Map<Integer, Integer> deny = new HashMap<>();
        int minTtl = MAX_REFRESH_S;
        boolean anyName = false;
        for (var pair : List.of(Map.entry(policy.allowed(), allow), Map.entry(policy.denied(), deny))) {
            for (DomainPattern d : pair.getKey().domains()) {
                // A wildcard has no addresses to look up: its names' are learned from the guest's own queries.
                if (d.wildcard()) continue;
                anyName = true;
                try {
                    for (DnsClient.Answer a : dns.resolve(d.suffix())) {
                        pair.getValue().merge(a.address(), a.ttlSeconds() + GRACE_S, Math::max);
                        minTtl = Math.min(minTtl, a.ttlSeconds());
                    }
                } catch (IOException e) {
                    // Its addresses stay unknown until the next refresh: an allowed name is then refused,
                    // a denied one falls to the default. Retried soon.
                    log.warn("sandbox {}: egress domain {} not resolved: {}", id, d, e.getMessage());
                    minTtl = MIN_REFRESH_S;
                }
            }
        }
        Applied old = applied.get(id);
        LearnedAddresses learned = old != null ? old.learned() : new LearnedAddresses();
        long now = System.currentTimeMillis();
        learned.collect(policy.allowed(), allow, now);
        learned.collect(policy.denied(), deny, now);
        String rules = EgressRules.render(table, slot.tap(), slot.hostIp(), policy, allow, deny);
        HostCommand.check(List.of("ip", "netns", "exec", slot.netns(), "nft", "-f", "-"), rules);
        if (old != null && old.refresh() != null) old.refresh().cancel(false);
        NameChecker checker = old != null ? old.checker() : null;
        if (policy.hasDomains() && checker == null) checker = startChecker(id, slot);
        else if (!policy.hasDomains() && checker != null) {
            stopChecker(slot, checker);
            checker = null;
        }
        ScheduledFuture<?> next = null;
        if (anyName) {
            int delay = Math.clamp(minTtl, MIN_REFRESH_S, MAX_REFRESH_S);
            next = timer.schedule(() -> refresh(id), delay, TimeUnit.SECONDS);
        }
        applied.put(id, new Applied(slot, policy, next, learned, checker));
    }

    // Listening before the guard redirects anything to it: no connection meets a closed port.
    private NameChecker startChecker(String id, NetworkSlot slot) throws IOException {
        // A sandbox being stopped has no policy left: what still arrives is refused.
        NetworkPolicy none = new NetworkPolicy(false, List.of(), List.of());
        NameChecker c = NameChecker.start(
                id,
                (Inet4Address) InetAddress.getByName(slot.hostIp()),
                NeverReach.CHECKER_PORT,
                InetAddress.getByName(slot.slotAddress()),
                () -> {
                    Applied a = applied.get(id);
                    return a != null ? a.policy() : none;
                },
                guard::refuses);
        try {
            guard.admitChecker(slot);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void stopChecker(NetworkSlot slot, NameChecker c) {
        try {
            guard.revokeChecker(slot);
        } catch (IOException e) {
            log.warn("slot {}: name checker redirect not removed: {}", slot.hostVeth(), e.getMessage());
        }
        c.close();
    }

    private void refresh(String id) {
        Applied a = applied.get(id);
        if (a == null) return;
        try {
            synchronized (this) {
                if (applied.get(id) == a) write(id, a.slot(), a.policy());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("sandbox {}: egress refresh failed: {}", id, e.getMessage());
        }
    }

    private synchronized void stop(String id) {
        Applied a = applied.remove(id);
        if (a == null) return;
        if (a.refresh() != null) a.refresh().cancel(false);
        if (a.checker() != null) stopChecker(a.slot(), a.checker());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
