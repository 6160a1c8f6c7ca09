package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.InFlight;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.hostagent.vm.Vm;

/**
 * One sandbox: who it is (immutable), its state, and immutable records of what it holds, each
 * swapped whole: its memory layout, the running incarnation, the timing of its last start.
 * Changed only by the classes of this package.
 *
 * <p>Two teardown stacks: {@link #teardown} holds what lives as long as the sandbox (registry
 * entry, directory with disk, RAM and saved state); {@link Live#runtime} holds what one running
 * incarnation holds (capacity, network slot, VMM process, HTTP pool) and is released by pause,
 * rebuilt by resume.
 */
public final class Sandbox {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Sandbox.class);

    public record Timing(long totalMs, long prepareMs, long bootMs) {}

    /**
     * A running incarnation: everything here is released together when the sandbox pauses or stops.
     * {@code exchanges} are what the sandbox proxy relays to it: aborted first when the incarnation is
     * released, and when its VMM dies on its own.
     */
    record Live(NetworkSlot slot, Vm vm, GuestAgentClient client, Teardown runtime, InFlight exchanges) {
        static Live of(String id, NetworkSlot slot, Vm vm, GuestAgentClient client, Teardown runtime) {
            InFlight exchanges = new InFlight("sandbox " + id);
            // Newest first: the exchanges end before the VM and its network go.
            runtime.add(
                    "proxied exchanges", () -> logAborted(id, exchanges.close("sandbox " + id + " stopped running")));
            vm.onExit().thenRun(() -> logAborted(id, exchanges.close("the VM of sandbox " + id + " exited")));
            return new Live(slot, vm, client, runtime, exchanges);
        }

        private static void logAborted(String id, int n) {
            if (n > 0) log.info("sandbox {}: {} proxied exchange(s) aborted", id, n);
        }
    }

    private final SandboxIdentity identity;
    private final GuestImage image;
    private final SandboxDir dir;
    final Teardown teardown;
    private volatile SandboxState state;
    private volatile Live live;
    private volatile MemoryLayout memory;
    private volatile Timing timing = new Timing(0, 0, 0);
    /**
     * The guest agent has served /clock and /entropy once. Its first call of each costs ~2 s under TCG
     * (a cold JVM path): paid before the first pause, so that resumes and clones never pay it.
     */
    private volatile boolean guestWarm;

    Sandbox(
            SandboxIdentity identity,
            GuestImage image,
            SandboxDir dir,
            MemoryLayout memory,
            Teardown teardown,
            SandboxState initial) {
        this.identity = identity;
        this.image = image;
        this.dir = dir;
        this.memory = memory;
        this.teardown = teardown;
        this.state = initial;
    }

    synchronized boolean moveTo(SandboxState next) {
        if (!state.canMoveTo(next)) return false;
        state = next;
        return true;
    }

    /**
     * A start is under way and holds {@code runtime}: a destroy meanwhile releases it (the start then
     * sees the state change and gives up).
     */
    void starting(Teardown runtime) {
        this.live = new Live(null, null, null, runtime, null);
    }

    void run(Live incarnation, Timing t) {
        this.live = incarnation;
        this.timing = t;
    }

    /** Forgets the running incarnation and returns it (null if none), for its owner to release. */
    Live stopRunning() {
        Live l = live;
        live = null;
        return l;
    }

    Live live() {
        return live;
    }

    MemoryLayout memory() {
        return memory;
    }

    void memory(MemoryLayout m) {
        this.memory = m;
    }

    boolean guestWarm() {
        return guestWarm;
    }

    void guestWarmed() {
        this.guestWarm = true;
    }

    SandboxDir files() {
        return dir;
    }

    SandboxIdentity identity() {
        return identity;
    }

    String token() {
        return identity.token();
    }

    public String id() {
        return identity.id();
    }

    public String template() {
        return identity.template();
    }

    public GuestImage image() {
        return image;
    }

    public int vcpus() {
        return identity.vcpus();
    }

    public int memoryMb() {
        return identity.memoryMb();
    }

    /** Size of the root disk in MiB (0: unknown, a sandbox an older agent created). */
    public int diskMb() {
        return identity.diskMb();
    }

    public long createdAtMs() {
        return identity.createdAtUnixMs();
    }

    public SandboxState state() {
        return state;
    }

    public NetworkSlot slot() {
        Live l = live;
        return l == null ? null : l.slot();
    }

    public Vm vm() {
        Live l = live;
        return l == null ? null : l.vm();
    }

    public Timing timing() {
        return timing;
    }

    /** Where the sandbox proxy reaches a running sandbox's guest, and what tracks its exchanges. */
    public record GuestRoute(String address, InFlight exchanges) {}

    public GuestRoute route() throws SandboxException {
        Live l = live;
        if (state != SandboxState.RUNNING || l == null || l.exchanges() == null) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id() + " is " + state.name().toLowerCase());
        }
        return new GuestRoute(l.slot().slotAddress(), l.exchanges());
    }

    /** The guest agent of a running sandbox. */
    public GuestAgentClient guest() throws SandboxException {
        Live l = live;
        if (state != SandboxState.RUNNING || l == null || l.client() == null) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id() + " is " + state.name().toLowerCase());
        }
        return l.client();
    }
}
