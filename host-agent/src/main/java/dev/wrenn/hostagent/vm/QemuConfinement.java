package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.vm.jail.VmmJailer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one QEMU is confined with: the files of its jail (learned from its {@link VmSpec} and its disk's
 * backing chain), QEMU's own seccomp filter, and the pool uid and cgroup the jailer hands out, returned
 * by the sandbox's teardown once the VMM is dead.
 */
final class QemuConfinement {
    /**
     * QEMU's seccomp filter: no fork/exec (so no {@code exec:} migration either), no setuid, no
     * scheduler or affinity calls, none of the obsolete syscalls.
     */
    static final List<String> SANDBOX =
            List.of("-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");

    private QemuConfinement() {}

    /**
     * The command line that starts {@code qemuArgv} confined, and in {@code spec}'s netns. Registers the
     * release of the uid and cgroup on {@code teardown} first, so it runs after the VMM's kill.
     */
    static List<String> wrap(
            VmmJailer jailer, VmSpec spec, Accel accel, QemuHost qemu, List<String> qemuArgv, Teardown teardown)
            throws IOException {
        List<Path> readOnly =
                new ArrayList<>(List.of(spec.image().kernel(), spec.image().initrd()));
        if (spec.disk() != null) {
            for (Path p : QcowChain.below(spec.disk())) if (!inside(spec.dir(), p)) readOnly.add(p);
        }
        List<Path> writable = new ArrayList<>();
        Path ram = spec.ramFile();
        if (!inside(spec.dir(), ram)) {
            // A clone's base: its template's RAM, mapped private. QEMU 7.2 must open it read-write.
            if (spec.sharedMemory() || !qemu.readOnlyPrivateRam()) writable.add(ram);
            else readOnly.add(ram);
        }
        VmmJailer.Confined c = jailer.confine(
                spec.name(),
                spec.dir(),
                spec.vcpus(),
                spec.memoryMb(),
                readOnly.stream().distinct().toList(),
                writable,
                spec.tap() != null,
                accel == Accel.KVM);
        teardown.add("VMM uid " + c.uid() + " and cgroup", () -> jailer.release(c));
        return c.jail().wrap(spec.netns(), qemuArgv);
    }

    /** Re-takes the uid (and so the cgroup) of a VMM a previous agent started; nothing if it runs unconfined. */
    static void adopt(VmmJailer jailer, VmSpec spec, long pid, Teardown teardown) throws IOException {
        VmmJailer.Confined c = jailer.adopt(spec.name(), pid);
        if (c != null) teardown.add("VMM uid " + c.uid() + " and cgroup", () -> jailer.release(c));
    }

    /**
     * Gives {@code path} (created by the agent for the VMM to write: a migration socket, a state dir)
     * to the owner of the VM's directory, which is the VMM's uid when it is confined and root otherwise.
     */
    static void giveToVmm(VmSpec spec, Path path) throws IOException {
        int uid = (Integer) Files.getAttribute(spec.dir(), "unix:uid");
        if (uid == (Integer) Files.getAttribute(path, "unix:uid")) return;
        Files.setAttribute(path, "unix:uid", uid);
        Files.setAttribute(path, "unix:gid", Files.getAttribute(spec.dir(), "unix:gid"));
    }

    private static boolean inside(Path dir, Path p) {
        return p.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize());
    }
}
