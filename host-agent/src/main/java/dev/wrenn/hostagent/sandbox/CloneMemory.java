package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.memory.MemoryImage;
import dev.wrenn.hostagent.memory.ProcessRam;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.nio.file.Path;

/** A clone's RAM in the VMM: its memory generations written in before a restore, captured at a pause. */
final class CloneMemory {
    private CloneMemory() {}

    /** Writes the clone's generations over the base its new VM maps: before the device state is loaded. */
    static void apply(Sandbox sb, Vm vm) throws IOException {
        MemoryLayout m = sb.memory();
        if (m.chain().isEmpty()) return;
        try (MemoryImage img = MemoryImage.open(m.base(), m.chain());
                ProcessRam ram = ProcessRam.open(vm.pid(), m.base(), (long) sb.memoryMb() << 20)) {
            img.applyTo(ram);
        }
    }

    /**
     * Writes the pages the stopped VM changed since its last restore as a new generation {@code diff}
     * over the first {@code keep} generations of its chain; returns how many pages it stored.
     */
    static long capture(Sandbox sb, Vm vm, int keep, Path diff) throws IOException {
        MemoryLayout m = sb.memory();
        try (MemoryImage img = MemoryImage.open(m.base(), m.chain());
                ProcessRam ram = ProcessRam.open(vm.pid(), m.base(), (long) sb.memoryMb() << 20)) {
            return img.capture(ram, keep, diff).storedPages();
        }
    }
}
