package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.vm.Vm;
import java.nio.file.Path;

/** One sandbox: its resources, its teardown stack and its state. Mutated only by {@link SandboxManager}. */
public final class Sandbox {
    public record Timing(long totalMs, long prepareMs, long bootMs) {}

    private final String id;
    private final String template;
    private final int vcpus;
    private final int memoryMb;
    private final long createdAtMs;
    private final Path dir;
    final Teardown teardown;
    private volatile SandboxState state = SandboxState.STARTING;
    private volatile NetworkSlot slot;
    private volatile Vm vm;
    private volatile GuestAgentClient client;
    private volatile Timing timing = new Timing(0, 0, 0);

    Sandbox(String id, String template, int vcpus, int memoryMb, Path dir, Teardown teardown) {
        this.id = id;
        this.template = template;
        this.vcpus = vcpus;
        this.memoryMb = memoryMb;
        this.dir = dir;
        this.teardown = teardown;
        this.createdAtMs = System.currentTimeMillis();
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

    void timing(Timing t) {
        this.timing = t;
    }

    public String id() {
        return id;
    }

    public String template() {
        return template;
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
            throw new SandboxException(SandboxException.Reason.WRONG_STATE, "sandbox " + id + " is " + state.name().toLowerCase());
        }
        return client;
    }
}
