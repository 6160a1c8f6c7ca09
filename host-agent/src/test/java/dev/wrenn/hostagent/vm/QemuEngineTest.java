package dev.wrenn.hostagent.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuEngineTest {
    @Test
    void commandLineRunsInNamespaceWithSharedFileBackedRam() {
        Path img = Path.of("/img");
        GuestImage image = new GuestImage("minimal", img, img.resolve("vmlinux"), img.resolve("initramfs.cpio"),
                img.resolve("rootfs.ext4"), GuestImage.DEFAULT_CMDLINE);
        VmSpec spec = new VmSpec("wrn-s1", Path.of("/d/wrn-s1"), image, Path.of("/d/wrn-s1/rootfs.qcow2"), 2, 512,
                "wrenn.token=abc", "wrn-ns0", "wrn-tap", "02:77:72:6e:00:01");
        QemuFirmware qboot = new QemuFirmware(Path.of("/usr/share/qemu/qboot.rom"), false);
        List<String> argv = QemuEngine.argv(spec, Accel.TCG, qboot);
        String line = String.join(" ", argv);
        assertThat(argv.subList(0, 5)).containsExactly("ip", "netns", "exec", "wrn-ns0", "qemu-system-x86_64");
        assertThat(line).contains("-name wrn-s1")
                .contains("-accel tcg")
                .contains("memory-backend-file,id=ram0,size=512M,mem-path=/d/wrn-s1/memory,share=on")
                .contains("microvm,acpi=on,x-option-roms=off")
                .contains("-bios /usr/share/qemu/qboot.rom")
                .contains("-nodefaults -no-user-config -nographic")
                .contains("-smp 2 -m 512M")
                .contains("tap,id=net0,ifname=wrn-tap,script=no,downscript=no")
                .contains("virtio-net-device,netdev=net0,mac=02:77:72:6e:00:01")
                .contains("virtio-blk-device,drive=root")
                .contains("qmp.sock,server=on,wait=off");
        assertThat(argv.get(argv.indexOf("-append") + 1)).endsWith("tsc_early_khz=2500000 random.trust_cpu=on 8250.nr_uarts=1 audit=0"
                + " initcall_blacklist=jent_mod_init,bpf_tcp_ca_kfunc_init,load_system_certificate_list,bpf_dummy_struct_ops_init,"
                + "crypto_kdf108_init,init_kprobe_trace wrenn.token=abc");
        assertThat(String.join(" ", QemuEngine.argv(spec, Accel.KVM, qboot))).contains("-accel kvm -cpu host");
    }

    @Test
    void withoutQbootQemusDefaultFirmwareGetsItsOptionRoms() {
        Path img = Path.of("/img");
        GuestImage image = new GuestImage("minimal", img, img.resolve("vmlinux"), img.resolve("initramfs.cpio"),
                img.resolve("rootfs.ext4"), GuestImage.DEFAULT_CMDLINE);
        VmSpec spec = new VmSpec("wrn-s1", Path.of("/d/wrn-s1"), image, null, 1, 256, "", null, null, null);
        String line = String.join(" ", QemuEngine.argv(spec, Accel.TCG, QemuFirmware.DEFAULT));
        assertThat(line).contains("microvm,acpi=on,x-option-roms=on").doesNotContain("-bios");
    }
}
