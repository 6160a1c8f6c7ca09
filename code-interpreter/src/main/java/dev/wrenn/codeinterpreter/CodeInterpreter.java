package dev.wrenn.codeinterpreter;

import com.sun.net.httpserver.HttpServer;
import dev.wrenn.codeinterpreter.context.Contexts;
import dev.wrenn.codeinterpreter.http.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The code interpreter inside a sandbox: E2B's code interpreter HTTP protocol on port 49999, each context
 * a Jupyter kernel spoken to over ZMTP. JDK-only (java.base and jdk.httpserver), like the guest agent, so
 * it runs on the guest's jlinked runtime. {@code start} + {@code port} + {@code close} is also the test API.
 */
public final class CodeInterpreter implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final Contexts contexts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CodeInterpreter(HttpServer server, ExecutorService executor, Contexts contexts) {
        this.server = server;
        this.executor = executor;
        this.contexts = contexts;
    }

    /**
     * Starts the default Python context first and only then listens, so that a health check that
     * answers means a kernel is ready (as with E2B's server); a kernel that cannot start fails this call.
     */
    public static CodeInterpreter start(Config config) throws IOException {
        // Without TCP_NODELAY small stream lines can wait for delayed ACKs (~40 ms): read when the class loads.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        var env = new HashMap<>(System.getenv());
        env.putAll(config.kernelEnv());
        var contexts = new Contexts(
                config.python(), env, config.kernelStartTimeout(), config.keepalive(), config.defaultCwd());
        try {
            contexts.defaultContext();
            HttpServer server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 64);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            server.createContext("/", new Router(contexts, config.maxBodyBytes()));
            server.start();
            return new CodeInterpreter(server, executor, contexts);
        } catch (IOException | RuntimeException e) {
            contexts.close();
            throw e;
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Contexts contexts() {
        return contexts;
    }

    /** Stops listening, then shuts every kernel down and reaps it. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        server.stop(0);
        contexts.close();
        executor.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Config config;
        CodeInterpreter ci;
        try {
            config = Config.fromEnv(System.getenv());
            ci = start(config);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("wrenn-code-interpreter: " + e.getMessage());
            System.exit(1);
            return;
        }
        // SIGTERM from the guest's init (or Ctrl-C) must not leave kernels running.
        Runtime.getRuntime().addShutdownHook(new Thread(ci::close, "shutdown"));
        System.err.println("wrenn-code-interpreter: listening on :" + ci.port() + " (kernels: " + config.python()
                + ", cwd " + config.defaultCwd() + ") after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        Thread.currentThread().join();
    }
}
