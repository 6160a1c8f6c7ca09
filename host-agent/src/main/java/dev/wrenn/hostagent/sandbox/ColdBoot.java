package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;

/**
 * Boots a new sandbox's VM from its image until the guest agent answers. A guest that ends itself
 * before its agent answers (a kernel panic or a triple fault this early resets the guest, and
 * {@code -no-reboot} makes QEMU exit 0) is booted once more on a fresh overlay, with what it printed
 * logged: CI saw one such silent reset in a few hundred confined boots under TCG. A VMM that fails
 * any other way, or a guest that resets again, fails the create.
 */
final class ColdBoot {

    /** The VM and the client of its answering guest agent. */
    record Booted(Vm vm, GuestAgentClient client) {}

    private ColdBoot() {}

    static Booted boot(Lifecycle l, Sandbox sb, NetworkSlot slot, String token, HttpClient http, Teardown rt)
            throws SandboxException, InterruptedException, IOException {
        for (int attempt = 1; ; attempt++) {
            // Each attempt's VMM (its process, its uid and cgroup) is released with the attempt.
            Teardown tries = new Teardown("sandbox " + sb.id() + " boot " + attempt);
            rt.add("boot " + attempt, tries::close);
            Vm vm = l.engine().start(l.bootSpec(sb, slot, "wrenn.token=" + token), tries);
            var client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, token);
            try {
                client =
                        GuestReadiness.booted(l.settings().readyTimeout()).await(sb, vm, client, SandboxState.STARTING);
                return new Booted(vm, client);
            } catch (SandboxException e) {
                GuestResets.retryOrThrow(sb, vm, attempt, tries, "during boot", e);
                // The dead boot may have begun on the disk (its journal, a resize): the next starts clean.
                Files.deleteIfExists(sb.files().disk());
                l.engine()
                        .disks()
                        .createOverlay(
                                sb.image(), sb.files().disk(), sb.identity().diskMb());
            }
        }
    }
}
