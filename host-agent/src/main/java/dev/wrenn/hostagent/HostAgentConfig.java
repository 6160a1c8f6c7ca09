package dev.wrenn.hostagent;

import dev.wrenn.hostagent.vm.AccelProbe;
import dev.wrenn.hostagent.vm.jail.VmmConfinement;
import dev.wrenn.settings.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one host agent. {@link #defaults()} reads WRENN_DATA_DIR; everything else has a fixed
 * default that suits one agent per machine.
 *
 * @param prefix owned name prefix of every host resource (netns, links, nft tables, VMM -name, dirs);
 *     at most 6 characters so that interface names fit in 15
 * @param slotCidr private range carved into /30 network slots
 * @param memoryBudgetMb guest memory all sandboxes together may use
 * @param vcpuOvercommit how many vCPUs per host core all sandboxes together may have
 * @param proxyPort TCP port of the sandbox proxy (HTTP, on {@code bindAddress} like gRPC); 0: a free one
 * @param token shared secret every gRPC call must carry ({@code authorization: Bearer <token>}), and every
 *     request to the sandbox proxy ({@code X-Wrenn-Host-Token}); required unless the agent listens on loopback
 *     only
 * @param vmm how each sandbox's VMM is confined (uid, capabilities, seccomp, jail, cgroup); {@code WRENN_VMM_*}
 */
public record HostAgentConfig(
        String bindAddress,
        int port,
        int proxyPort,
        Path dataDir,
        Path imageDir,
        String prefix,
        String slotCidr,
        AccelProbe.Mode accel,
        Duration probeTimeout,
        Duration readyTimeout,
        int hostCores,
        int vcpuOvercommit,
        long memoryBudgetMb,
        int defaultVcpus,
        int defaultMemoryMb,
        java.util.Optional<String> token,
        VmmConfinement vmm) {

    public static final int DEFAULT_PORT = 50051;
    /** The sandbox proxy's port: the gRPC port's neighbour. */
    public static final int DEFAULT_PROXY_PORT = 50052;

    public HostAgentConfig {
        if (proxyPort < 0 || proxyPort > 65535) {
            throw new IllegalArgumentException("proxy port must be 0..65535, got " + proxyPort);
        }
        if (prefix == null || !prefix.matches("[a-z][a-z0-9]{0,4}-")) {
            throw new IllegalArgumentException("prefix must be 2-6 characters [a-z0-9] ending in '-', got " + prefix);
        }
    }

    public static Path defaultDataDir() {
        String env = Settings.env("WRENN_DATA_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".wrenn");
    }

    /**
     * As long as the control plane's default create timeout (WRENN_CREATE_TIMEOUT_SEC): under TCG,
     * boots that queue behind each other on a busy host take tens of seconds, and the caller's own
     * deadline is what should end a create.
     */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(300);

    public static HostAgentConfig defaults() {
        Path data = defaultDataDir();
        long hostMb = hostMemoryMb();
        var token = java.util.Optional.ofNullable(Settings.env("WRENN_HOST_AGENT_TOKEN"))
                .filter(t -> !t.isBlank());
        // Two agents on one host (a second server, a test run beside a real one) need their own names and range.
        String prefix = java.util.Optional.ofNullable(Settings.env("WRENN_PREFIX"))
                .filter(v -> !v.isBlank())
                .orElse("wrn-");
        String cidr = java.util.Optional.ofNullable(Settings.env("WRENN_SLOT_CIDR"))
                .filter(v -> !v.isBlank())
                .orElse("10.214.0.0/16");
        return new HostAgentConfig(
                "127.0.0.1",
                DEFAULT_PORT,
                proxyPortFromEnv(),
                data,
                data.resolve("images"),
                prefix,
                cidr,
                AccelProbe.Mode.AUTO,
                Duration.ofSeconds(6),
                DEFAULT_READY_TIMEOUT,
                Runtime.getRuntime().availableProcessors(),
                4,
                Math.max(512, hostMb * 3 / 4),
                1,
                512,
                token,
                VmmConfinement.fromEnv());
    }

    /** WRENN_PROXY_PORT, else {@link #DEFAULT_PROXY_PORT}. */
    static int proxyPortFromEnv() {
        String v = Settings.env("WRENN_PROXY_PORT");
        if (v == null || v.isBlank()) return DEFAULT_PROXY_PORT;
        try {
            int p = Integer.parseInt(v.trim());
            if (p >= 0 && p <= 65535) return p;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("WRENN_PROXY_PORT must be a port number 0..65535, got '" + v + "'");
    }

    public Path sandboxesDir() {
        return dataDir.resolve("host-agent").resolve("sandboxes");
    }

    public HostAgentConfig withPort(int p) {
        return new HostAgentConfig(
                bindAddress,
                p,
                proxyPort,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    /** The sandbox proxy's port (0: a free one, as tests and embedded agents want). */
    public HostAgentConfig withProxyPort(int p) {
        return new HostAgentConfig(
                bindAddress,
                port,
                p,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    /**
     * Where gRPC and the sandbox proxy listen: "0.0.0.0" for a multi-host setup, "127.0.0.1" when embedded in
     * one process.
     */
    public HostAgentConfig withBindAddress(String address) {
        return new HostAgentConfig(
                address,
                port,
                proxyPort,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    /** The shared secret callers must present; see {@link #token()}. */
    public HostAgentConfig withToken(String secret) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                java.util.Optional.of(secret),
                vmm);
    }

    /** True when only this machine can connect. */
    public boolean loopbackOnly() {
        try {
            return java.net.InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public HostAgentConfig withDataDir(Path d) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                d,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    public HostAgentConfig withImageDir(Path d) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                dataDir,
                d,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    public HostAgentConfig withNetwork(String newPrefix, String cidr) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                dataDir,
                imageDir,
                newPrefix,
                cidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    public HostAgentConfig withAccel(AccelProbe.Mode mode) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                mode,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    public HostAgentConfig withMemoryBudgetMb(long mb) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                mb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    public HostAgentConfig withReadyTimeout(Duration t) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                t,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                vmm);
    }

    /** How VMMs are confined ({@link VmmConfinement#OFF}: as the agent's own user, for comparison runs). */
    public HostAgentConfig withVmm(VmmConfinement v) {
        return new HostAgentConfig(
                bindAddress,
                port,
                proxyPort,
                dataDir,
                imageDir,
                prefix,
                slotCidr,
                accel,
                probeTimeout,
                readyTimeout,
                hostCores,
                vcpuOvercommit,
                memoryBudgetMb,
                defaultVcpus,
                defaultMemoryMb,
                token,
                v);
    }

    static long hostMemoryMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        } catch (Exception ignored) {
            // fall through
        }
        return 4096;
    }
}
