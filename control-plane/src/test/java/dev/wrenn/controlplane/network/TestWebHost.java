package dev.wrenn.controlplane.network;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An "internet" web server for tests: a network namespace of its own, reached from the root namespace
 * through a veth pair (198.19.0.1 on this side), where a child JVM serves HTTP on {@link #ADDRESS}:80.
 * Names avoid every agent prefix, so no host agent reclaims them. Needs root, as the VM tests do.
 */
final class TestWebHost implements AutoCloseable {
    static final String NETNS = "wci-web";
    static final String ADDRESS = "198.19.0.2";
    private static final String ROOT_VETH = "wci-w0";
    private static final String NS_VETH = "wci-w1";

    private final Process server;

    private TestWebHost(Process server) {
        this.server = server;
    }

    static TestWebHost start() throws IOException, InterruptedException {
        run(false, "ip", "netns", "del", NETNS);
        run(false, "ip", "link", "del", ROOT_VETH);
        run(true, "ip", "netns", "add", NETNS);
        run(true, "ip", "link", "add", ROOT_VETH, "type", "veth", "peer", "name", NS_VETH, "netns", NETNS);
        run(true, "ip", "addr", "add", "198.19.0.1/24", "dev", ROOT_VETH);
        run(true, "ip", "link", "set", ROOT_VETH, "up");
        run(true, "ip", "-n", NETNS, "link", "set", "lo", "up");
        run(true, "ip", "-n", NETNS, "addr", "add", ADDRESS + "/24", "dev", NS_VETH);
        run(true, "ip", "-n", NETNS, "link", "set", NS_VETH, "up");
        run(true, "ip", "-n", NETNS, "route", "add", "default", "via", "198.19.0.1");
        Process p = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        NETNS,
                        ProcessHandle.current().info().command().orElseThrow(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TestWebHost.class.getName())
                .redirectErrorStream(true)
                .start();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        TestWebHost host = new TestWebHost(p);
        if (!"ready".equals(line)) {
            host.close();
            throw new IOException("web host did not start: " + line);
        }
        return host;
    }

    /** In the namespace: answers every request with where it was asked. */
    public static void main(String[] args) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(80), 16);
        http.createContext("/", ex -> {
            byte[] body =
                    ("web host " + ex.getLocalAddress().getAddress().getHostAddress()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (var o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
        System.out.println("ready");
        System.out.flush();
    }

    private static void run(boolean check, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || (check && p.exitValue() != 0)) {
            throw new IOException(String.join(" ", cmd) + ": " + out.strip());
        }
    }

    @Override
    public void close() throws IOException {
        server.destroyForcibly();
        try {
            server.waitFor(10, TimeUnit.SECONDS);
            run(false, "ip", "link", "del", ROOT_VETH);
            run(true, "ip", "netns", "del", NETNS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
