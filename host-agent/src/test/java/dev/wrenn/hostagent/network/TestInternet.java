package dev.wrenn.hostagent.network;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test's "internet": a network namespace reached from the root namespace through a veth pair, holding
 * the given addresses (each routed there from the root namespace) and an {@link InternetHost} serving
 * HTTP and DNS on all of them. Nothing outside this host is involved. Names avoid every agent prefix, so
 * no agent reclaims them.
 */
public final class TestInternet implements AutoCloseable {
    public static final String NETNS = "wit-inet";
    static final String ROOT_VETH = "wit-i0";
    static final String NS_VETH = "wit-i1";
    /** The namespace's own address: the DNS server the tests name as upstream. */
    public static final String SERVER = "198.18.0.2";

    private final List<String> routes;
    private final Process host;

    private TestInternet(List<String> routes, Process host) {
        this.routes = routes;
        this.host = host;
    }

    /**
     * @param extra further addresses (each /32) the namespace holds and serves, e.g. link-local ones
     * @param names DNS records {@code name=a.b.c.d}
     */
    public static TestInternet start(List<String> extra, List<String> names) throws IOException {
        HostCommand.run("ip", "netns", "del", NETNS);
        HostCommand.run("ip", "link", "del", ROOT_VETH);
        HostCommand.check("ip", "netns", "add", NETNS);
        List<String> routes = new ArrayList<>();
        try {
            HostCommand.check("ip", "link", "add", ROOT_VETH, "type", "veth", "peer", "name", NS_VETH, "netns", NETNS);
            HostCommand.check("ip", "addr", "add", "198.18.0.1/24", "dev", ROOT_VETH);
            HostCommand.check("ip", "link", "set", ROOT_VETH, "up");
            HostCommand.check("ip", "-n", NETNS, "link", "set", "lo", "up");
            HostCommand.check("ip", "-n", NETNS, "addr", "add", SERVER + "/24", "dev", NS_VETH);
            HostCommand.check("ip", "-n", NETNS, "link", "set", NS_VETH, "up");
            HostCommand.check("ip", "-n", NETNS, "route", "add", "default", "via", "198.18.0.1");
            for (String a : extra) {
                HostCommand.check("ip", "-n", NETNS, "addr", "add", a + "/32", "dev", "lo");
                HostCommand.check("ip", "route", "add", a + "/32", "via", SERVER);
                routes.add(a + "/32");
            }
            List<String> cmd = new ArrayList<>(List.of(
                    "ip",
                    "netns",
                    "exec",
                    NETNS,
                    ProcessHandle.current().info().command().orElseThrow(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    InternetHost.class.getName()));
            cmd.addAll(names);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            TestInternet t = new TestInternet(routes, p);
            var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (!"ready".equals(line)) {
                t.close();
                throw new IOException("internet host did not start: " + line);
            }
            Thread.ofVirtual().start(() -> out.lines().forEach(l -> System.out.println("[internet] " + l)));
            return t;
        } catch (IOException | RuntimeException e) {
            for (String r : routes) HostCommand.run("ip", "route", "del", r);
            HostCommand.run("ip", "netns", "del", NETNS);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        host.destroyForcibly();
        try {
            host.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String r : routes) HostCommand.run("ip", "route", "del", r);
        HostCommand.run("ip", "link", "del", ROOT_VETH);
        HostCommand.check("ip", "netns", "del", NETNS);
    }
}
