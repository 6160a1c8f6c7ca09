package dev.wrenn.hostagent.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuEngineTest {
    static final Path IMG = Path.of("/img");
    static final GuestImage IMAGE = new GuestImage(
            "minimal",
            IMG,
            IMG.resolve("vmlinux"),
            IMG.resolve("initramfs.cpio"),
            IMG.resolve("rootfs.ext4"),
            GuestImage.DEFAULT_CMDLINE);
    static final QemuFirmware QBOOT = new QemuFirmware(Path.of("/usr/share/qemu/qboot.rom"), false);
    /** Debian 12's QEMU 7.2 and Debian 13's 10.0, as QemuHost.probe() finds them. */
    static final QemuHost QEMU_7 = new QemuHost("QEMU emulator version 7.2.22", QBOOT, false);

    static final QemuHost QEMU_10 = new QemuHost("QEMU emulator version 10.0.13", QBOOT, true);

    @Test
    void commandLineRunsInNamespaceWithSharedFileBackedRam() {
        VmSpec spec = new VmSpec(
                "wrn-s1",
                Path.of("/d/wrn-s1"),
                IMAGE,
                Path.of("/d/wrn-s1/rootfs.qcow2"),
                2,
                512,
                "wrenn.token=abc",
                "wrn-ns0",
                "wrn-tap",
                "02:77:72:6e:00:01");
        List<String> argv = QemuEngine.argv(spec, Accel.TCG, QEMU_7);
        String line = String.join(" ", argv);
        assertThat(argv.subList(0, 5)).containsExactly("ip", "netns", "exec", "wrn-ns0", "qemu-system-x86_64");
        assertThat(line)
                .contains("-name wrn-s1")
                .contains("-accel tcg")
                .contains("memory-backend-file,id=ram0,size=512M,mem-path=/d/wrn-s1/memory,share=on ")
                .contains("microvm,acpi=on,x-option-roms=off")
                .contains("-bios /usr/share/qemu/qboot.rom")
                .contains("-nodefaults -no-user-config -nographic")
                .contains("-smp 2 -m 512M")
                .contains("tap,id=net0,ifname=wrn-tap,script=no,downscript=no")
                .contains("virtio-net-device,netdev=net0,mac=02:77:72:6e:00:01")
                .contains("virtio-blk-device,drive=root")
                .contains("qmp.sock,server=on,wait=off");
        assertThat(argv.get(argv.indexOf("-append") + 1))
                .endsWith("tsc_early_khz=2500000 random.trust_cpu=on 8250.nr_uarts=1 audit=0"
                        + " initcall_blacklist=jent_mod_init,bpf_tcp_ca_kfunc_init,load_system_certificate_list,"
                        + "bpf_dummy_struct_ops_init,"
                        + "crypto_kdf108_init,init_kprobe_trace wrenn.token=abc");
        assertThat(String.join(" ", QemuEngine.argv(spec, Accel.KVM, QEMU_7))).contains("-accel kvm -cpu host");
        assertThat(String.join(" ", QemuEngine.argv(spec, Accel.TCG, QEMU_10))).contains(",share=on ");
    }

    @Test
    void aTemplatesRamFileIsOpenedReadOnlyWhereQemuCan() {
        Path tpl = Path.of("/t/gen-1/memory");
        VmSpec clone = new VmSpec(
                "wrn-c1",
                Path.of("/d/wrn-c1"),
                IMAGE,
                Path.of("/d/wrn-c1/rootfs.qcow2"),
                1,
                256,
                "",
                null,
                null,
                null,
                tpl,
                false,
                true);
        assertThat(String.join(" ", QemuEngine.argv(clone, Accel.TCG, QEMU_10)))
                .contains("mem-path=/t/gen-1/memory,share=off,readonly=on,rom=off ")
                .contains("-incoming defer");
        assertThat(String.join(" ", QemuEngine.argv(clone, Accel.TCG, QEMU_7)))
                .contains("mem-path=/t/gen-1/memory,share=off ")
                .doesNotContain("readonly");
    }

    @Test
    void withoutQbootQemusDefaultFirmwareGetsItsOptionRoms() {
        VmSpec spec = new VmSpec("wrn-s1", Path.of("/d/wrn-s1"), IMAGE, null, 1, 256, "", null, null, null);
        QemuHost noQboot = new QemuHost("QEMU emulator version 10.0.13", QemuFirmware.DEFAULT, true);
        String line = String.join(" ", QemuEngine.argv(spec, Accel.TCG, noQboot));
        assertThat(line).contains("microvm,acpi=on,x-option-roms=on").doesNotContain("-bios");
    }
}
