package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.guest.GuestSetup;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.vm.Snapshottable;
import dev.wrenn.hostagent.vm.Snapshottable.RamMode;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;

/**
 * Starts a clone from its template until the guest agent answers. The clone maps the template's RAM
 * private, so a guest that ends itself right after the restore (CI saw a kernel panic in interrupt
 * context, once, under TCG) changed nothing shared: it is restored once more from the same template
 * onto a fresh disk overlay, with what it printed logged. Any other failure, or a second reset, fails
 * the create.
 */
final class CloneStart {
    /** The VM and the client of its answering guest agent. */
    record Started(Vm vm, GuestAgentClient client) {}

    private CloneStart() {}

    static Started start(
            Lifecycle l,
            Sandbox sb,
            NetworkSlot slot,
            TemplateStore.Template template,
            String token,
            GuestSetup setup,
            HttpClient http,
            Teardown rt)
            throws SandboxException, InterruptedException, IOException {
        for (int attempt = 1; ; attempt++) {
            // Each attempt's VMM (its process, its uid and cgroup) is released with the attempt.
            Teardown tries = new Teardown("sandbox " + sb.id() + " restore " + attempt);
            rt.add("restore " + attempt, tries::close);
            var spec = l.restoreSpec(sb, slot, template.memoryBase(), false, true);
            Vm vm = ((Snapshottable) l.engine())
                    .restore(spec, template.state(), RamMode.SHARED_FILE, tries, v -> CloneMemory.apply(sb, v), null);
            var client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, template.token());
            try {
                // The template's token is baked into its memory: every clone gets its own, and its setup, in
                // the request that also proves the guest runs.
                client = GuestReadiness.restored(l.settings().readyTimeout(), token, setup)
                        .await(sb, vm, client, SandboxState.STARTING);
                return new Started(vm, client);
            } catch (SandboxException e) {
                GuestResets.retryOrThrow(sb, vm, attempt, tries, "after the restore", e);
                // The dead guest may have written to its disk: the next attempt starts from the template's.
                Files.deleteIfExists(sb.files().disk());
                l.engine().disks().createOverlay(template.disk(), sb.files().disk());
            }
        }
    }
}
