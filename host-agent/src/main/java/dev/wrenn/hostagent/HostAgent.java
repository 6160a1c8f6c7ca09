package dev.wrenn.hostagent;

import dev.wrenn.hostagent.host.HostTool;
import dev.wrenn.hostagent.network.HostFirewall;
import dev.wrenn.hostagent.network.NeverReach;
import dev.wrenn.hostagent.network.SlotAddressing;
import dev.wrenn.hostagent.network.SlotDns;
import dev.wrenn.hostagent.network.dns.DnsUpstreams;
import dev.wrenn.hostagent.network.dns.UpstreamClient;
import dev.wrenn.hostagent.proxy.SandboxProxy;
import dev.wrenn.hostagent.rpc.FilesystemGrpcService;
import dev.wrenn.hostagent.rpc.HostAgentGrpcService;
import dev.wrenn.hostagent.rpc.ProcessGrpcService;
import dev.wrenn.hostagent.sandbox.Capacity;
import dev.wrenn.hostagent.sandbox.DiskPolicy;
import dev.wrenn.hostagent.sandbox.ImageCatalog;
import dev.wrenn.hostagent.sandbox.Reclaimer;
import dev.wrenn.hostagent.sandbox.SandboxManager;
import dev.wrenn.hostagent.sandbox.TemplateStore;
import dev.wrenn.hostagent.vm.AccelChoice;
import dev.wrenn.hostagent.vm.AccelProbe;
import dev.wrenn.hostagent.vm.QemuEngine;
import dev.wrenn.hostagent.vm.QemuFirmware;
import dev.wrenn.hostagent.vm.QemuHost;
import dev.wrenn.hostagent.vm.QemuProcesses;
import dev.wrenn.hostagent.vm.jail.VmmJailer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host agent, embeddable: {@code try (var agent = HostAgent.start(config)) { ... agent.port() ... }}.
 * Start-up order matters: reclaim leftovers, install the firewall, choose the accelerator, then serve.
 * Closing destroys every sandbox and removes the firewall tables.
 */
public final class HostAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostAgent.class);
    public static final String VERSION = "0.1.0";

    private final HostAgentConfig config;
    private final Server server;
    private final SandboxProxy proxy;
    private final SandboxManager sandboxes;
    private final HostFirewall firewall;
    private final NeverReach guard;
    private final ExecutorService executor;
    private boolean closed;

    private HostAgent(
            HostAgentConfig config,
            Server server,
            SandboxProxy proxy,
            SandboxManager sandboxes,
            HostFirewall firewall,
            NeverReach guard,
            ExecutorService executor) {
        this.config = config;
        this.server = server;
        this.proxy = proxy;
        this.sandboxes = sandboxes;
        this.firewall = firewall;
        this.guard = guard;
        this.executor = executor;
    }

    public static HostAgent start(HostAgentConfig config) throws IOException {
        return start(config, DiskPolicy.fromEnv());
    }

    /** With the disk sizes and free-space budget given, rather than read from WRENN_* variables. */
    public static HostAgent start(HostAgentConfig config, DiskPolicy disk) throws IOException {
        if (config.token().isEmpty() && !config.loopbackOnly()) {
            throw new IllegalArgumentException("the host agent listens on " + config.bindAddress()
                    + " but has no token: set WRENN_HOST_AGENT_TOKEN (and the same on the control plane),"
                    + " or bind to 127.0.0.1");
        }
        // Before touching anything: a missing program is one line naming its package, not a failure half-way.
        HostTool.requireRuntimeTools();
        long t0 = System.nanoTime();
        Files.createDirectories(config.sandboxesDir());
        // Guest RAM files (running, paused, templates) hold everything the guests hold, tokens included:
        // only root may enter these trees, whatever mode QEMU gives the files inside.
        Files.setPosixFilePermissions(
                config.sandboxesDir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(config.dataDir().resolve("templates"));
        Files.setPosixFilePermissions(
                config.dataDir().resolve("templates"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Reclaimer.Report reclaimed =
                new Reclaimer(QemuProcesses.INSTANCE, config.prefix(), config.sandboxesDir()).reclaim();

        SlotAddressing addressing = SlotAddressing.parse(config.slotCidr());
        HostFirewall.checkRangeIsFree(config.prefix(), addressing);
        HostFirewall firewall = HostFirewall.install(config.prefix(), addressing);
        NeverReach guard;
        try {
            guard = NeverReach.install(config.prefix(), addressing, NeverReach.extraFromEnvironment());
        } catch (IOException | RuntimeException e) {
            if (reclaimed.running().isEmpty()) firewall.close();
            throw e;
        }
        try {
            ImageCatalog images = new ImageCatalog(config.imageDir());
            QemuHost qemu = QemuHost.probe();
            log.info("qemu: {}", qemu);
            AccelChoice accel = AccelProbe.choose(
                    config.accel(),
                    images.defaultImageOrNull(),
                    qemu,
                    config.sandboxesDir(),
                    config.prefix(),
                    config.probeTimeout());
            VmmJailer jailer = config.vmm().enabled()
                    ? VmmJailer.create(
                            config.vmm(),
                            config.dataDir().resolve("host-agent"),
                            config.prefix(),
                            QemuEngine.QEMU,
                            QemuFirmware.hostSearchPath())
                    : null;
            if (jailer == null) log.warn("VMM confinement is off (WRENN_VMM_CONFINE=false): QEMU runs as root");
            QemuEngine engine = new QemuEngine(accel, qemu, jailer);
            Capacity capacity = new Capacity(config.hostCores(), config.vcpuOvercommit(), config.memoryBudgetMb());
            SandboxManager manager = new SandboxManager(
                    new SandboxManager.Settings(
                            config.prefix(),
                            config.sandboxesDir(),
                            addressing,
                            config.readyTimeout(),
                            config.defaultVcpus(),
                            config.defaultMemoryMb(),
                            64,
                            disk),
                    engine,
                    images,
                    capacity,
                    new TemplateStore(config.dataDir().resolve("templates"), engine.disks()),
                    new SlotDns(
                            new UpstreamClient(DnsUpstreams.fromEnvironment(), java.time.Duration.ofSeconds(2)),
                            guard));
            manager.adopt(reclaimed.paused(), reclaimed.running());
            manager.collectTemplates();
            SandboxProxy proxy = SandboxProxy.start(config.bindAddress(), config.proxyPort(), config.token(), manager);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            Server server;
            try {
                server = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress(), config.port()))
                        .executor(executor)
                        .maxInboundMessageSize(8 << 20)
                        .addService(withToken(config, new HostAgentGrpcService(manager, VERSION, proxy.port())))
                        .addService(withToken(config, new ProcessGrpcService(manager)))
                        .addService(withToken(config, new FilesystemGrpcService(manager)))
                        .build()
                        .start();
            } catch (IOException | RuntimeException e) {
                proxy.close();
                executor.close();
                throw e;
            }
            log.info(
                    "host agent {} listening on {}:{}, sandbox proxy on port {} (engine {}, accel {}, images {},"
                            + " data {}, slots {}, prefix {}) in {} ms",
                    VERSION,
                    config.bindAddress(),
                    server.getPort(),
                    proxy.port(),
                    engine.name(),
                    accel.accel().qemuName(),
                    config.imageDir(),
                    config.dataDir(),
                    addressing.cidr(),
                    config.prefix(),
                    (System.nanoTime() - t0) / 1_000_000);
            return new HostAgent(config, server, proxy, manager, firewall, guard, executor);
        } catch (IOException | RuntimeException e) {
            // Adopted sandboxes outlive a failed start (the next start adopts them again); so must the
            // tables that isolate them.
            if (reclaimed.running().isEmpty()) {
                guard.close();
                firewall.close();
            }
            throw e;
        }
    }

    private static io.grpc.ServerServiceDefinition withToken(HostAgentConfig config, io.grpc.BindableService service) {
        return config.token()
                .map(t ->
                        io.grpc.ServerInterceptors.intercept(service, new dev.wrenn.hostagent.rpc.TokenInterceptor(t)))
                .orElseGet(service::bindService);
    }

    public int port() {
        return server.getPort();
    }

    /** The sandbox proxy's port (docs/host-agent.md). */
    public int proxyPort() {
        return proxy.port();
    }

    public HostAgentConfig config() {
        return config;
    }

    public SandboxManager sandboxes() {
        return sandboxes;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Stops serving but leaves every sandbox as it is: running VMs keep running under their records
     * and firewall tables, for the next agent on this data dir to adopt. For a process whose other
     * parts failed to start: such a failure must never cost a user a sandbox.
     */
    public synchronized void detach() {
        if (closed) return;
        closed = true;
        server.shutdownNow();
        closeProxy();
        executor.close();
        log.info(
                "host agent stopped serving; {} sandbox(es) left for the next start to adopt",
                sandboxes.list().size());
    }

    private void closeProxy() {
        try {
            proxy.close();
        } catch (RuntimeException e) {
            log.warn("{}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        server.shutdown();
        // Destroying the sandboxes ends what the proxy relays to them; then the proxy goes.
        sandboxes.close();
        closeProxy();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow();
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor.close();
        try {
            guard.close();
            firewall.close();
        } catch (IOException e) {
            log.warn("removing firewall tables: {}", e.getMessage());
        }
        log.info("host agent stopped");
    }
}
