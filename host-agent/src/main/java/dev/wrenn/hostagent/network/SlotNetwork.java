package dev.wrenn.hostagent.network;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;
import java.util.List;

/**
 * Builds a slot with ip(8) and nft(8):
 *
 * <pre>
 *  root ns                      | slot netns                         | guest
 *  {prefix}hN  host_ip/30  <-veth-> {prefix}nN  slot_address/30      |
 *                               | {prefix}tap 169.254.0.22/30 <-TAP-> eth0 169.254.0.21/30
 *                               | nat: daddr slot_address -> dnat 169.254.0.21
 *                               |      169.254.0.22:53 -> dnat host_ip:53 (the slot's DNS forwarder)
 *                               |      saddr 169.254.0.21 -> masquerade (egress)
 * </pre>
 */
public final class SlotNetwork {
    /**
     * The TAP's (the guest's gateway's) MAC, the same in every slot: a restored or cloned guest's ARP
     * entry for its gateway stays valid in any slot (with random TAP MACs it relies on the new TAP's
     * ARP request to refresh it).
     */
    public static final String GATEWAY_MAC = "02:77:72:6e:00:fe";

    private SlotNetwork() {}

    public static void create(NetworkSlot s, String prefix, Teardown td) throws IOException {
        HostCommand.check("ip", "netns", "add", s.netns());
        td.add("netns " + s.netns(), () -> deleteNetns(s.netns()));

        HostCommand.check(
                "ip", "link", "add", s.hostVeth(), "type", "veth", "peer", "name", s.nsVeth(), "netns", s.netns());
        td.add("veth " + s.hostVeth(), () -> deleteLink(s.hostVeth()));

        HostCommand.check(
                List.of("ip", "-batch", "-"),
                String.join(
                        "\n",
                        "addr add " + s.hostIp() + "/30 dev " + s.hostVeth(),
                        "link set " + s.hostVeth() + " up",
                        ""));
        HostCommand.check(
                List.of("ip", "-n", s.netns(), "-batch", "-"),
                String.join(
                        "\n",
                        "link set lo up",
                        "addr add " + s.slotAddress() + "/30 dev " + s.nsVeth(),
                        "link set " + s.nsVeth() + " up",
                        "route add default via " + s.hostIp(),
                        "tuntap add dev " + s.tap() + " mode tap",
                        "link set " + s.tap() + " address " + GATEWAY_MAC,
                        "addr add " + s.gatewayIp() + "/30 dev " + s.tap(),
                        "link set " + s.tap() + " up",
                        ""));
        // /proc/sys/net is per network namespace: the write must happen inside the slot's. A shell
        // does it without sysctl(8), which a bare Debian lacks.
        HostCommand.check("ip", "netns", "exec", s.netns(), "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
        writeSlotTable(s, prefix);
        // The namespace's nft table and the TAP vanish with the namespace.
    }

    /**
     * Takes over a slot a previous agent built (its sandbox is adopted after a restart): registers the
     * same teardown as {@link #create}. Fails if the namespace or the host veth is gone.
     */
    public static void adopt(NetworkSlot s, String prefix, Teardown td) throws IOException {
        if (!HostCommand.run("ip", "netns", "exec", s.netns(), "true").ok())
            throw new IOException("netns " + s.netns() + " is gone");
        td.add("netns " + s.netns(), () -> deleteNetns(s.netns()));
        if (!HostCommand.run("ip", "link", "show", s.hostVeth()).ok())
            throw new IOException("link " + s.hostVeth() + " is gone");
        td.add("veth " + s.hostVeth(), () -> deleteLink(s.hostVeth()));
        // An older agent may have built the slot without today's rules (DNS): the table is replaced in
        // one transaction, and the NAT bindings of open connections live in conntrack, not in it.
        writeSlotTable(s, prefix);
    }

    /** The slot namespace's NAT table, replacing any previous one atomically. */
    private static void writeSlotTable(NetworkSlot s, String prefix) throws IOException {
        String table = prefix + "slot";
        HostCommand.check(
                List.of("ip", "netns", "exec", s.netns(), "nft", "-f", "-"),
                String.join(
                        "\n",
                        "table ip " + table,
                        "delete table ip " + table,
                        "table ip " + table + " {",
                        "  chain prerouting {",
                        "    type nat hook prerouting priority dstnat; policy accept;",
                        "    iifname \"" + s.nsVeth() + "\" ip daddr " + s.slotAddress() + " dnat to " + s.guestIp(),
                        // The guest's resolver is its gateway (the same in every slot, so snapshots and
                        // clones need no change); the forwarder listens on the slot's host-side address.
                        "    iifname \"" + s.tap() + "\" ip daddr " + s.gatewayIp()
                                + " meta l4proto { tcp, udp } th dport 53 dnat to " + s.hostIp(),
                        "  }",
                        "  chain postrouting {",
                        "    type nat hook postrouting priority srcnat; policy accept;",
                        "    oifname \"" + s.nsVeth() + "\" ip saddr " + s.guestIp() + " masquerade",
                        "  }",
                        "}",
                        ""));
    }

    static void deleteNetns(String netns) throws IOException {
        HostCommand.Result r = HostCommand.run("ip", "netns", "del", netns);
        if (!r.ok() && !r.stderr().contains("No such file")) {
            throw new IOException("ip netns del " + netns + ": " + r.stderr().strip());
        }
    }

    static void deleteLink(String link) throws IOException {
        HostCommand.Result r = HostCommand.run("ip", "link", "del", link);
        // Deleting the namespace already took the pair with it.
        if (!r.ok() && !r.stderr().contains("Cannot find device") && !r.stderr().contains("does not exist")) {
            throw new IOException("ip link del " + link + ": " + r.stderr().strip());
        }
    }
}
