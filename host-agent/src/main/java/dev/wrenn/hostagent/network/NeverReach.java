package dev.wrenn.hostagent.network;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.settings.Settings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code {prefix}guard} nftables table: what no guest may reach, whatever its egress policy (which
 * lives in another table; a packet must pass both). Rejections answer at once, so a guest's connect()
 * fails instead of timing out: TCP with a reset (ECONNREFUSED), because the kernel rate-limits the ICMP
 * errors it sends to one peer (a burst of six, then one a second) and a scan would time out after that;
 * anything else with ICMP administratively-prohibited (EHOSTUNREACH).
 *
 * <ul>
 *   <li>input from a slot veth (any address of the host: every interface, loopback, each slot's host-side
 *       address) is rejected, except replies to connections the host opened and DNS to the slot's own
 *       forwarder (its own host-side address, port 53), which is marked for the isolation table to let
 *       through;
 *   <li>forwarding from a slot veth to loopback, link-local (the cloud metadata address among it), the
 *       whole slot range (every other sandbox) or an operator's extra CIDRs is rejected.
 * </ul>
 */
public final class NeverReach implements AutoCloseable {
    /**
     * Set on what this table admits to a slot's own services (its DNS forwarder, its name checker);
     * {@link HostFirewall}'s input chain accepts it.
     */
    public static final String SERVICE_MARK = "0x77726e64";

    /** The slot's name checker's port on its host-side address; guests' TCP 80 and 443 are redirected there. */
    public static final int CHECKER_PORT = 15080;

    private final List<int[]> blocked = new ArrayList<>();

    private final String table;
    private final String veths;

    private NeverReach(String prefix) {
        this.table = prefix + "guard";
        this.veths = "\"" + prefix + "h*\"";
    }

    /**
     * The operator's extra never-reach CIDRs: WRENN_NEVER_REACH, else the system property
     * {@code wrenn.never.reach} (in-process tests), comma-separated; empty when unset.
     */
    public static List<String> extraFromEnvironment() {
        String v = Settings.env("WRENN_NEVER_REACH");
        if (v == null || v.isBlank()) v = System.getProperty("wrenn.never.reach", "");
        return parseExtra(v);
    }

    /** IPv4 or IPv6 networks or addresses; IllegalArgumentException naming the first bad entry. */
    public static List<String> parseExtra(String spec) {
        List<String> out = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String c = raw.strip();
            if (c.isEmpty()) continue;
            boolean v4 = c.matches("(\\d{1,3}\\.){3}\\d{1,3}(/(3[0-2]|[12]?\\d))?")
                    && java.util.Arrays.stream(c.split("/")[0].split("\\.")).allMatch(o -> Integer.parseInt(o) < 256);
            boolean v6 = c.matches("[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(/(12[0-8]|1[01]\\d|[1-9]?\\d))?");
            if (!v4 && !v6) throw new IllegalArgumentException("WRENN_NEVER_REACH: '" + c + "' is not a CIDR");
            out.add(c);
        }
        return List.copyOf(out);
    }

    /** The always-blocked IPv4 ranges for a slot range plus extra CIDRs. */
    public static List<String> blockedV4(SlotAddressing addressing, List<String> extra) {
        List<String> out = new ArrayList<>(List.of("127.0.0.0/8", "169.254.0.0/16", addressing.cidr()));
        out.addAll(extra.stream().filter(c -> !c.contains(":")).toList());
        return out;
    }

    /** Replaces any table a previous agent with this prefix left (start-up reclaim) in one transaction. */
    public static NeverReach install(String prefix, SlotAddressing addressing, List<String> extra) throws IOException {
        NeverReach g = new NeverReach(prefix);
        List<String> v6 = new ArrayList<>(List.of("::1/128", "fe80::/10"));
        v6.addAll(extra.stream().filter(c -> c.contains(":")).toList());
        String reject = " jump refuse";
        String rules = String.join(
                "\n",
                "table inet " + g.table,
                "delete table inet " + g.table,
                "table inet " + g.table + " {",
                "  set services { type ifname . ipv4_addr . inet_proto . inet_service; }",
                "  set checked { type ifname; }",
                "  set never4 { type ipv4_addr; flags interval; auto-merge; elements = { "
                        + String.join(", ", blockedV4(addressing, extra)) + " }; }",
                "  set never6 { type ipv6_addr; flags interval; auto-merge; elements = { " + String.join(", ", v6)
                        + " }; }",
                "  chain refuse {",
                "    meta l4proto tcp reject with tcp reset",
                "    reject with icmpx type admin-prohibited",
                "  }",
                "  chain input {",
                "    type filter hook input priority -2; policy accept;",
                "    iifname " + g.veths + " ct state established,related accept",
                "    iifname " + g.veths + " iifname . ip daddr . meta l4proto . th dport @services meta mark set "
                        + SERVICE_MARK + " accept",
                "    iifname " + g.veths + reject,
                "  }",
                "  chain forward {",
                "    type filter hook forward priority -2; policy accept;",
                "    iifname " + g.veths + " ip daddr @never4" + reject,
                "    iifname " + g.veths + " ip6 daddr @never6" + reject,
                "    iifname " + g.veths + " oifname \"lo\"" + reject,
                "  }",
                // A slot whose egress policy names domains has its web traffic checked by name: to its own
                // checker, which dials the original destination (never a host or never-reach address: those
                // are left to the chains above, which refuse them).
                "  chain to_checker {",
                "    type nat hook prerouting priority dstnat; policy accept;",
                "    iifname @checked tcp dport { 80, 443 } fib daddr type != local ip daddr != @never4 redirect to :"
                        + CHECKER_PORT,
                "  }",
                "}",
                "");
        HostCommand.check(List.of("nft", "-f", "-"), rules);
        for (String c : blockedV4(addressing, extra)) g.blocked.add(range(c));
        return g;
    }

    /** Lets slot {@code s}'s guest reach its own DNS forwarder (and nothing else on the host). */
    public void admitDns(NetworkSlot s) throws IOException {
        HostCommand.check("nft", "add", "element", "inet", table, "services", dnsElements(s));
    }

    public void revokeDns(NetworkSlot s) throws IOException {
        delete("services", dnsElements(s));
    }

    /** Sends slot {@code s}'s guest's TCP 80 and 443 to its name checker, and admits them there. */
    public void admitChecker(NetworkSlot s) throws IOException {
        HostCommand.check(
                List.of("nft", "-f", "-"),
                "add element inet " + table + " services " + checkerElement(s) + "\n" + "add element inet " + table
                        + " checked { \"" + s.hostVeth() + "\" }\n");
    }

    public void revokeChecker(NetworkSlot s) throws IOException {
        delete("checked", "{ \"" + s.hostVeth() + "\" }");
        delete("services", checkerElement(s));
    }

    /** Whether {@code a} is in what no guest may reach (loopback, link-local, the slots, the operator's). */
    public boolean refuses(java.net.Inet4Address a) {
        int v = java.nio.ByteBuffer.wrap(a.getAddress()).getInt();
        for (int[] r : blocked) if ((v & r[1]) == r[0]) return true;
        return false;
    }

    private static int[] range(String cidr) {
        String[] p = cidr.split("/");
        int bits = p.length == 2 ? Integer.parseInt(p[1]) : 32;
        int mask = bits == 0 ? 0 : -1 << (32 - bits);
        int v = 0;
        for (String o : p[0].split("\\.")) v = v << 8 | Integer.parseInt(o);
        return new int[] {v & mask, mask};
    }

    private void delete(String set, String elements) throws IOException {
        HostCommand.Result r = HostCommand.run("nft", "delete", "element", "inet", table, set, elements);
        if (!r.ok() && !r.stderr().contains("No such file")) {
            throw new IOException("nft delete element " + table + " " + set + ": "
                    + r.stderr().strip());
        }
    }

    private static String dnsElements(NetworkSlot s) {
        String k = "\"" + s.hostVeth() + "\" . " + s.hostIp();
        return "{ " + k + " . udp . 53, " + k + " . tcp . 53 }";
    }

    private static String checkerElement(NetworkSlot s) {
        return "{ \"" + s.hostVeth() + "\" . " + s.hostIp() + " . tcp . " + CHECKER_PORT + " }";
    }

    @Override
    public void close() throws IOException {
        HostCommand.Result r = HostCommand.run("nft", "delete", "table", "inet", table);
        if (!r.ok() && !r.stderr().contains("No such file")) {
            throw new IOException(
                    "nft delete table inet " + table + ": " + r.stderr().strip());
        }
    }
}
