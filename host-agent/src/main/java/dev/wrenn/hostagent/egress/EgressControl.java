package dev.wrenn.hostagent.egress;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import java.io.IOException;
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

    private record Applied(NetworkSlot slot, NetworkPolicy policy, ScheduledFuture<?> refresh) {}

    private final String table;
    private final DnsClient dns;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "egress-dns-refresh");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();

    public EgressControl(String prefix, DnsClient dns) {
        this.table = prefix + "egress";
        this.dns = dns;
    }

    /** Puts {@code policy} in force for sandbox {@code id} in {@code slot}; {@code rt} stops the refreshes. */
    public void apply(String id, NetworkSlot slot, NetworkPolicy policy, Teardown rt) throws IOException {
        write(id, slot, policy);
        rt.add("egress refresh", () -> stop(id));
    }

    /** What sandbox {@code id}'s resolver may answer: its policy in force at the time of each query. */
    public dev.wrenn.hostagent.network.dns.NamePolicy names(String id) {
        return name -> {
            Applied a = applied.get(id);
            return a == null || a.policy().allowsName(name);
        };
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
                if (d.wildcard()) continue; // a wildcard has no addresses to look up
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
        String rules = EgressRules.render(table, slot.tap(), slot.hostIp(), policy, allow, deny);
        HostCommand.check(List.of("ip", "netns", "exec", slot.netns(), "nft", "-f", "-"), rules);
        Applied old = applied.get(id);
        if (old != null && old.refresh() != null) old.refresh().cancel(false);
        ScheduledFuture<?> next = null;
        if (anyName) {
            int delay = Math.clamp(minTtl, MIN_REFRESH_S, MAX_REFRESH_S);
            next = timer.schedule(() -> refresh(id), delay, TimeUnit.SECONDS);
        }
        applied.put(id, new Applied(slot, policy, next));
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

    private void stop(String id) {
        Applied a = applied.remove(id);
        if (a != null && a.refresh() != null) a.refresh().cancel(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
