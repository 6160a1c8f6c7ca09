package dev.wrenn.hostagent.network.dns;

import dev.wrenn.settings.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses the upstream resolvers: WRENN_DNS_UPSTREAM's {@code ip[:port],...} or /etc/resolv.conf. */
public final class DnsUpstreams {
    private DnsUpstreams() {}

    /**
     * WRENN_DNS_UPSTREAM, else the system property {@code wrenn.dns.upstream} (in-process tests cannot set
     * environment variables), else the host's /etc/resolv.conf nameservers.
     */
    public static List<InetSocketAddress> fromEnvironment() {
        String v = Settings.env("WRENN_DNS_UPSTREAM");
        if (v == null || v.isBlank()) v = System.getProperty("wrenn.dns.upstream");
        if (v != null && !v.isBlank()) return parse(v);
        return fromResolvConf(Path.of("/etc/resolv.conf"));
    }

    /**
     * {@code 192.0.2.1}, {@code 192.0.2.1:5353}, {@code ::1}, {@code [2001:db8::1]:53}; comma-separated.
     * Only literal addresses: resolving an upstream's name would need DNS.
     */
    public static List<InetSocketAddress> parse(String spec) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String s = raw.strip();
            if (s.isEmpty()) continue;
            String host = s;
            int port = 53;
            if (s.startsWith("[")) {
                int end = s.indexOf(']');
                if (end < 0) throw new IllegalArgumentException("unclosed '[' in DNS upstream '" + s + "'");
                host = s.substring(1, end);
                String rest = s.substring(end + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) throw new IllegalArgumentException("bad DNS upstream '" + s + "'");
                    port = port(rest.substring(1), s);
                }
            } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                host = s.substring(0, s.indexOf(':'));
                port = port(s.substring(s.indexOf(':') + 1), s);
            }
            out.add(new InetSocketAddress(literal(host, s), port));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no DNS upstream in '" + spec + "'");
        return List.copyOf(out);
    }

    /** The nameservers of a resolv.conf file; empty if it has none or cannot be read. */
    public static List<InetSocketAddress> fromResolvConf(Path file) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver")) {
                    // A scoped IPv6 address (fe80::1%eth0) is kept with its scope.
                    try {
                        out.add(new InetSocketAddress(literal(f[1], line), 53));
                    } catch (IllegalArgumentException ignored) {
                        // Not a literal address: resolv.conf(5) allows none, skip it.
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(out);
    }

    private static int port(String p, String whole) {
        try {
            int v = Integer.parseInt(p);
            if (v >= 1 && v <= 65535) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("bad port in DNS upstream '" + whole + "'");
    }

    private static InetAddress literal(String host, String whole) {
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?")) {
            throw new IllegalArgumentException("DNS upstream '" + whole + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS upstream '" + whole + "' is not an IP address");
        }
    }
}
