package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.hostagent.vm.Vm;
import java.nio.file.Path;

/**
 * One sandbox: its resources, its teardown stacks and its state. Mutated only by {@link SandboxManager}.
 *
 * <p>Two stacks: {@link #teardown} holds what lives as long as the sandbox (registry entry, directory
 * with disk, RAM and saved state); {@link #runtime} holds what one running incarnation holds (capacity,
 * network slot, VMM process, HTTP pool) and is released by pause, rebuilt by resume.
 */
public final class Sandbox {
    public record Timing(long totalMs, long prepareMs, long bootMs) {}

    private final String id;
    private final String template;
    private final GuestImage image;
    private final int vcpus;
    private final int memoryMb;
    private final long createdAtMs;
    private final Path dir;
    final Teardown teardown;
    volatile Teardown runtime;
    private volatile SandboxState state;
    private volatile NetworkSlot slot;
    private volatile Vm vm;
    private volatile GuestAgentClient client;
    private volatile Timing timing = new Timing(0, 0, 0);
    /** The guest agent's current token (rotated for clones). */
    volatile String token;
    /**
     * A clone's RAM: the base RAM file its VM maps privately (copy-on-write), or null for a sandbox
     * with its own shared RAM file.
     */
    volatile Path memoryBase;
    /** A clone's memory diff generations on top of {@link #memoryBase}, oldest first: the template's, then its own. */
    volatile java.util.List<Path> memoryChain = java.util.List.of();
    /** How many generations of {@link #memoryChain} belong to the template (this sandbox never rewrites those). */
    volatile int templateGenerations;
    /**
     * The guest agent has served /clock and /entropy once. Its first call of each costs ~2 s under TCG
     * (a cold JVM path): paid before the first pause, so that resumes and clones never pay it.
     */
    volatile boolean guestWarm;
    /** The template generation whose disk backs this sandbox's overlay, or null. */
    volatile Path templateGen;

    Sandbox(
            String id,
            String template,
            GuestImage image,
            int vcpus,
            int memoryMb,
            Path dir,
            Teardown teardown,
            SandboxState initial,
            long createdAtMs) {
        this.id = id;
        this.template = template;
        this.image = image;
        this.vcpus = vcpus;
        this.memoryMb = memoryMb;
        this.dir = dir;
        this.teardown = teardown;
        this.state = initial;
        this.createdAtMs = createdAtMs;
    }

    synchronized boolean moveTo(SandboxState next) {
        if (!state.canMoveTo(next)) return false;
        state = next;
        return true;
    }

    void attach(NetworkSlot slot) {
        this.slot = slot;
    }

    void attach(Vm vm, GuestAgentClient client) {
        this.vm = vm;
        this.client = client;
    }

    void detach() {
        this.vm = null;
        this.client = null;
        this.slot = null;
    }

    void timing(Timing t) {
        this.timing = t;
    }

    public String id() {
        return id;
    }

    public String template() {
        return template;
    }

    public GuestImage image() {
        return image;
    }

    public int vcpus() {
        return vcpus;
    }

    public int memoryMb() {
        return memoryMb;
    }

    public long createdAtMs() {
        return createdAtMs;
    }

    public Path dir() {
        return dir;
    }

    public SandboxState state() {
        return state;
    }

    public NetworkSlot slot() {
        return slot;
    }

    public Vm vm() {
        return vm;
    }

    public Timing timing() {
        return timing;
    }

    /** The guest agent of a running sandbox. */
    public GuestAgentClient guest() throws SandboxException {
        if (state != SandboxState.RUNNING || client == null) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + state.name().toLowerCase());
        }
        return client;
    }
}
