package dev.wrenn.hostagent.egress;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The nft script of one slot's egress table, in the slot's own namespace (so that it composes with
 * the root namespace's isolation tables and vanishes with the slot). Every packet the guest sends on
 * a connection it opened is checked, so an update also cuts established connections that the new
 * policy refuses. Connections the host opened to the guest (its agent) are never touched.
 */
public final class EgressRules {
    private EgressRules() {}

    /**
     * @param allowedAddrs addresses of allowed domains, each with its timeout in seconds
     * @param deniedAddrs the same for denied domains
     */
    public static String render(
            String table,
            String tap,
            String hostIp,
            NetworkPolicy p,
            Map<Integer, Integer> allowedAddrs,
            Map<Integer, Integer> deniedAddrs) {

        return String.join(
                "\n",
                "table ip " + table,
                "delete table ip " + table,
                "table ip " + table + " {",
                "  set allow_net { type ipv4_addr; flags interval; auto-merge;"
                        + nets(p.allowed().networks()) + " }",
                "  set deny_net { type ipv4_addr; flags interval; auto-merge;"
                        + nets(p.denied().networks()) + " }",
                "  set allow_dom { type ipv4_addr; flags timeout;" + addrs(allowedAddrs) + " }",
                "  set deny_dom { type ipv4_addr; flags timeout;" + addrs(deniedAddrs) + " }",
                "  chain refuse {",
                "    meta l4proto tcp reject with tcp reset",
                "    reject with icmp type admin-prohibited",
                "  }",
                "  chain forward {",
                "    type filter hook forward priority filter; policy accept;",
                "    iifname != \"" + tap + "\" accept",
                "    ct direction reply accept",
                // The slot's DNS forwarder (on the host end of the slot) stays reachable with internet off.
                "    ip daddr " + hostIp + " meta l4proto { tcp, udp } th dport 53 accept",
                "    ip daddr @allow_net accept",
                "    ip daddr @allow_dom accept",
                "    ip daddr @deny_net jump refuse",
                "    ip daddr @deny_dom jump refuse",
                p.allowInternet() ? "    accept" : "    jump refuse",
                "  }",
                "}",
                "");
    }

    private static String nets(List<Cidr> c) {
        if (c.isEmpty()) return "";
        return " elements = { " + c.stream().map(Cidr::toString).collect(Collectors.joining(", ")) + " };";
    }

    private static String addrs(Map<Integer, Integer> a) {
        if (a.isEmpty()) return "";
        Collection<String> e = a.entrySet().stream()
                .map(x -> Cidr.text(x.getKey()) + " timeout " + Math.max(1, x.getValue()) + "s")
                .toList();
        return " elements = { " + String.join(", ", e) + " };";
    }
}
