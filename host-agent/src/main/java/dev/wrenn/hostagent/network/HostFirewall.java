package dev.wrenn.hostagent.network;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Root-namespace nftables rules shared by all slots, matched by interface-name wildcard so that
 * adding a slot needs no rule change:
 *
 * <ul>
 *   <li>input from any slot veth is dropped unless it belongs to a connection the host opened
 *       (the host agent dialling a guest agent): guests reach no host service;
 *   <li>forwarding between two slot veths is dropped: guests cannot reach each other;
 *   <li>nothing from outside may open a connection into a slot;
 *   <li>guest egress to the world is masqueraded behind the host's address.
 * </ul>
 */
public final class HostFirewall implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostFirewall.class);

    private final String table;
    private final String natTable;

    private HostFirewall(String prefix) {
        this.table = prefix + "isolation";
        this.natTable = prefix + "egress";
    }

    /**
     * Refuses a slot range that overlaps a route the agent does not own (a LAN, a VPN, another agent
     * with another prefix): its slots would be unreachable or, worse, reach someone else.
     */
    public static void checkRangeIsFree(String prefix, SlotAddressing addressing) throws IOException {
        for (String line : HostCommand.check("ip", "-4", "-o", "route", "show", "table", "all")
                .lines()
                .toList()) {
            String[] f = line.trim().split("\\s+");
            int i = f[0].matches("(unicast|local|broadcast|anycast|multicast|blackhole|unreachable|prohibit|throw)")
                    ? 1
                    : 0;
            if (f.length <= i || !f[i].matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) continue;
            String dev = "";
            for (int k = 0; k + 1 < f.length; k++) if (f[k].equals("dev")) dev = f[k + 1];
            if (dev.startsWith(prefix) || f[i].endsWith("/0")) continue;
            if (addressing.overlaps(f[i])) {
                throw new IOException("slot range " + addressing.cidr() + " overlaps the route '" + line.trim()
                        + "' that this agent (prefix " + prefix + ") does not own: choose another --slot-cidr");
            }
        }
    }

    public static HostFirewall install(String prefix, SlotAddressing addressing) throws IOException {
        HostFirewall fw = new HostFirewall(prefix);
        String veths = "\"" + prefix + "h*\"";
        // One nft transaction that replaces the tables if they exist (sandboxes adopted after a restart
        // are never without isolation, not even for a moment).
        String rules = String.join(
                "\n",
                "table inet " + fw.table,
                "delete table inet " + fw.table,
                "table ip " + fw.natTable,
                "delete table ip " + fw.natTable,
                "table inet " + fw.table + " {",
                "  chain input {",
                "    type filter hook input priority -1; policy accept;",
                "    iifname " + veths + " ct state established,related accept",
                // The slot's own services (DNS forwarder, name checker), which the guard table alone may admit
                // and mark.
                "    iifname " + veths + " meta mark " + NeverReach.SERVICE_MARK + " accept",
                "    iifname " + veths + " drop",
                "  }",
                "  chain forward {",
                "    type filter hook forward priority -1; policy accept;",
                "    iifname " + veths + " oifname " + veths + " drop",
                "    oifname " + veths + " ct state established,related accept",
                "    oifname " + veths + " drop",
                "  }",
                "}",
                "table ip " + fw.natTable + " {",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                "    ip saddr " + addressing.cidr() + " oifname != " + veths + " masquerade",
                "  }",
                "}",
                "");
        HostCommand.check(List.of("nft", "-f", "-"), rules);
        // Written directly rather than through sysctl(8): procps is not part of a bare Debian.
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1\n");
        } catch (IOException e) {
            log.warn("cannot enable IPv4 forwarding (guest egress will not work): {}", e.toString());
        }
        return fw;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (String t : List.of("inet " + table, "ip " + natTable)) {
            HostCommand.Result r =
                    HostCommand.run(List.of("nft", "delete", "table", t.split(" ")[0], t.split(" ")[1]), null);
            if (!r.ok() && !r.stderr().contains("No such file") && first == null) {
                first = new IOException(
                        "nft delete table " + t + ": " + r.stderr().strip());
            }
        }
        if (first != null) throw first;
    }
}
