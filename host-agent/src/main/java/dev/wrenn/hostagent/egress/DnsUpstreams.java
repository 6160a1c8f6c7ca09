package dev.wrenn.hostagent.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolvers the host agent asks for the addresses of policy domains: WRENN_DNS_UPSTREAM
 * (comma-separated {@code ip[:port]}), else the host's /etc/resolv.conf nameservers. The system
 * property {@code wrenn.dns.upstream} stands in for the variable in in-process tests, which cannot set
 * environment variables.
 */
public final class DnsUpstreams {
    private DnsUpstreams() {}

    public static List<InetSocketAddress> fromEnvironment() {
        String v = System.getenv("WRENN_DNS_UPSTREAM");
        if (v == null || v.isBlank()) v = System.getProperty("wrenn.dns.upstream");
        if (v != null && !v.isBlank()) return parse(v);
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver") && !f[1].contains(":")) {
                    out.add(new InetSocketAddress(f[1], 53));
                }
            }
        } catch (IOException e) {
            // No resolv.conf: domains in policies then resolve to nothing (and are logged as such).
        }
        return out;
    }

    public static List<InetSocketAddress> parse(String v) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : v.split(",")) {
            String t = s.strip();
            if (t.isEmpty()) continue;
            String[] p = t.split(":");
            int port = p.length == 2 ? Integer.parseInt(p[1]) : 53;
            if (p.length > 2 || port < 1 || port > 65535) {
                throw new IllegalArgumentException("WRENN_DNS_UPSTREAM: expected ip[:port], got '" + t + "'");
            }
            Cidr.parseAddress(p[0]);
            out.add(new InetSocketAddress(p[0], port));
        }
        return out;
    }
}
