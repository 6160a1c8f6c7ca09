package dev.wrenn.hostagent.vm;

/** How the VMM runs guest code: hardware virtualisation or QEMU's software emulation. */
public enum Accel {
    KVM,
    TCG;

    public String qemuName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
