package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.network.SlotPool;
import dev.wrenn.hostagent.vm.VmEngine;
import dev.wrenn.hostagent.vm.VmSpec;
import java.nio.file.Path;

/** What every lifecycle step of a sandbox works with: this agent's settings and shared resources. */
record Lifecycle(
        SandboxManager.Settings settings,
        VmEngine engine,
        ImageCatalog images,
        Capacity capacity,
        SlotPool slots,
        TemplateStore templates,
        SandboxRegistry registry,
        dev.wrenn.hostagent.egress.EgressControl egress,
        dev.wrenn.hostagent.network.SlotDns dns) {

    String vmName(String id) {
        return settings.prefix() + id;
    }

    SandboxDir dirOf(String id) {
        return new SandboxDir(settings.sandboxesDir().resolve(vmName(id)));
    }

    /** A VM that boots {@code sb}'s disk with {@code cmdline}, its RAM in its own shared file. */
    VmSpec bootSpec(Sandbox sb, NetworkSlot slot, String cmdline) {
        return spec(sb, slot, cmdline, null, true, false);
    }

    /**
     * A VM over the RAM file {@code ram}, mapped shared (the sandbox's own) or privately (a clone's
     * base); {@code incoming}: it loads saved state, rather than running a VMM a dead agent left.
     */
    VmSpec restoreSpec(Sandbox sb, NetworkSlot slot, Path ram, boolean sharedRam, boolean incoming) {
        return spec(sb, slot, "", ram, sharedRam, incoming);
    }

    private VmSpec spec(Sandbox sb, NetworkSlot slot, String cmdline, Path ram, boolean sharedRam, boolean incoming) {
        var d = sb.files();
        return new VmSpec(
                vmName(sb.id()),
                d.path(),
                sb.image(),
                d.disk(),
                sb.vcpus(),
                sb.memoryMb(),
                cmdline,
                slot.netns(),
                slot.tap(),
                slot.guestMac(),
                ram,
                sharedRam,
                incoming);
    }

    /** The egress policy file of sandbox {@code sb} (kept with its disk, so pause and restarts keep it). */
    static Path policyFile(Sandbox sb) {
        return sb.files().path().resolve("network.json");
    }

    /** Puts the sandbox's saved policy in force in {@code slot}, and its resolver with it. */
    void applyPolicy(Sandbox sb, NetworkSlot slot, dev.wrenn.hostagent.lifecycle.Teardown rt)
            throws java.io.IOException {
        egress.apply(sb.id(), slot, dev.wrenn.hostagent.egress.PolicyFile.read(policyFile(sb)), rt);
        dns.start(slot, egress.names(sb.id()), rt);
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
