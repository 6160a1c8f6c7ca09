package dev.wrenn.guestagent;

import com.sun.net.httpserver.HttpServer;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.clock.KernelEntropy;
import dev.wrenn.guestagent.clock.WallClock;
import dev.wrenn.guestagent.envd.EnvdRouter;
import dev.wrenn.guestagent.sys.Spawn;
import dev.wrenn.guestagent.training.Training;
import dev.wrenn.guestagent.users.Passwd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent inside every sandbox VM: a JDK-only HTTP server on port 49983, one virtual thread
 * per request. {@code create(...)} + {@code port()} + {@code close()} is also the test harness API.
 */
public final class GuestAgent implements AutoCloseable {
    public static final int DEFAULT_PORT = 49983;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Router router;

    private GuestAgent(HttpServer server, ExecutorService executor, Router router) {
        this.server = server;
        this.executor = executor;
        this.router = router;
    }

    /** Starts serving on {@code port} (0 = ephemeral) of all addresses. */
    public static GuestAgent start(int port, TokenStore tokens, WallClock clock) throws IOException {
        return start(port, tokens, clock, KernelEntropy.system());
    }

    public static GuestAgent start(int port, TokenStore tokens, WallClock clock, KernelEntropy entropy)
            throws IOException {
        return start(port, tokens, clock, entropy, Passwd.system());
    }

    /** {@code passwd} is where calls look users up (tests name existing accounts in a file of their own). */
    public static GuestAgent start(int port, TokenStore tokens, WallClock clock, KernelEntropy entropy, Passwd passwd)
            throws IOException {
        // Without TCP_NODELAY small responses can wait for delayed ACKs (~40 ms): read when the server class loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        var router = new Router(new EnvdRouter(tokens, clock, entropy, passwd));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", router);
        server.start();
        return new GuestAgent(server, executor, router);
    }

    /**
     * Links the FFM call sites of {@code POST /init}'s clock and entropy seed (clock_settime, the entropy ioctl)
     * and of Process.Start (posix_spawn and its helpers) in the background once no request has arrived for
     * {@code idle}: a first use is slow under TCG (~1 s for the restore path), which the first pause of every
     * sandbox (the host warms that path before it) and the first command would otherwise pay. Waiting for a
     * quiet moment keeps that second away from boot and from the first commands.
     */
    public void warmWhenIdle(java.time.Duration idle) {
        Thread t = new Thread(
                () -> {
                    try {
                        // Sleeps until the quiet period would end; a request meanwhile moves that point on.
                        for (long left; (left = idle.toNanos() - router.idleNanos()) > 0; ) {
                            Thread.sleep(java.time.Duration.ofNanos(left));
                        }
                        WallClock.SystemWallClock.warm();
                        KernelEntropy.SystemEntropy.warm();
                        Spawn.warm();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "idle-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        int port = intEnv("WRENN_AGENT_PORT", DEFAULT_PORT);
        String tokenFile = System.getenv("WRENN_AGENT_TOKEN_FILE");
        String tokenState = System.getenv("WRENN_AGENT_TOKEN_STATE");
        boolean train = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--token-file" -> tokenFile = args[++i];
                case "--token-state" -> tokenState = args[++i];
                case "--train" -> train = true;
                default -> {
                    System.err.println(
                            "usage: GuestAgent [--port N] [--token-file FILE] [--token-state FILE] [--train]");
                    System.exit(2);
                }
            }
        }
        if (train) {
            Training.run();
            return;
        }

        String token = null;
        if (tokenFile != null) {
            token = TokenStore.fromFile(Path.of(tokenFile)).orElse(null);
        } else if (Files.isReadable(Path.of("/proc/cmdline"))) {
            token = TokenStore.fromCmdline(Files.readString(Path.of("/proc/cmdline")))
                    .orElse(null);
        }
        var tokens = new TokenStore(token, tokenState == null || tokenState.isEmpty() ? null : Path.of(tokenState));
        if (!tokens.isConfigured()) {
            System.err.println("wrenn-guest-agent: no token (wrenn.token= on the kernel command line); every"
                    + " request will get 401");
        }
        var agent = start(port, tokens, WallClock.system());
        System.err.println("wrenn-guest-agent: listening on :" + agent.port() + " after "
                + (System.currentTimeMillis()
                        - ProcessHandle.current()
                                .info()
                                .startInstant()
                                .map(i -> i.toEpochMilli())
                                .orElse(System.currentTimeMillis()))
                + " ms");
        agent.warmWhenIdle(java.time.Duration.ofSeconds(2));
        Thread.currentThread().join();
    }

    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }
}
