package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.ExecCommand;
import dev.wrenn.hostagent.guest.ExecResult;
import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.vm.Disks;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Grows a running guest's root disk: the VMM enlarges the disk and the guest's ext4 is grown online to
 * fill it. A clone that asks for more disk than its template's gets it this way, since its file system is
 * the template's, frozen at the template's size (a cold boot grows its own file system in its init).
 */
final class DiskGrowth {
    private DiskGrowth() {}

    static void grow(Disks disks, Vm vm, GuestAgentClient guest, int sizeMb)
            throws IOException, InterruptedException, SandboxException {
        disks.growLive(vm, sizeMb);
        long sectors = (long) sizeMb << 11;
        // The guest's driver handles the config-change interrupt asynchronously: wait (bounded) until the
        // kernel reports the new capacity, then grow the mounted root file system to it.
        String script = "i=0; while [ \"$(cat /sys/block/vda/size)\" -lt " + sectors + " ] && [ $i -lt 200 ]; do"
                + " sleep 0.05; i=$((i+1)); done; /usr/sbin/resize2fs /dev/vda";
        ExecResult r = guest.exec(new ExecCommand("/bin/sh", List.of("-c", script), Map.of(), "/", "root", 120_000));
        if (r.exitCode() != 0) {
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR,
                    "growing the guest's file system to " + sizeMb + " MiB failed (exit " + r.exitCode() + "): "
                            + new String(r.stderr(), StandardCharsets.UTF_8).strip());
        }
    }
}
