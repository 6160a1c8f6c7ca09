package dev.wrenn.hostagent.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bootable guest image as guest-image/build.sh lays it out: an uncompressed ELF vmlinux (PVH entry),
 * an uncompressed initramfs that loads the virtio modules and switches to the ext4 root, and the
 * read-only base rootfs every sandbox overlays.
 */
public record GuestImage(String name, Path dir, Path kernel, Path initrd, Path rootfs, String baseCmdline) {

    /**
     * Kernel command line measured to boot fastest under TCG on microvm (see ENGINE-NOTES): quiet
     * console, no PIT calibration hang (tsc_early_khz), and initcalls that only cost time skipped.
     */
    public static final String DEFAULT_CMDLINE =
            "console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off cryptomgr.notests"
                    + " no_timer_check tsc=reliable tsc_early_khz=2500000 random.trust_cpu=on 8250.nr_uarts=1 audit=0"
                    + " initcall_blacklist=jent_mod_init,bpf_tcp_ca_kfunc_init,load_system_certificate_list,"
                    + "bpf_dummy_struct_ops_init,crypto_kdf108_init,init_kprobe_trace";

    public static GuestImage load(String name, Path dir) throws IOException {
        Path kernel = dir.resolve("vmlinux");
        Path initrd = dir.resolve("initramfs.cpio");
        Path rootfs = dir.resolve("rootfs.ext4");
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(kernel, initrd, rootfs))
            if (!Files.isRegularFile(p)) missing.add(p.getFileName().toString());
        if (!missing.isEmpty()) {
            throw new IOException("image '" + name + "' at " + dir + " is incomplete: missing " + missing
                    + " (build it with guest-image/build.sh)");
        }
        String cmdline = DEFAULT_CMDLINE;
        Path manifest = dir.resolve("manifest.json");
        if (Files.isRegularFile(manifest)) {
            JsonNode m = JsonMapper.builder().build().readTree(manifest.toFile());
            for (String key : List.of("cmdline", "kernel_cmdline")) {
                String v = m.path(key).asString("");
                if (!v.isBlank()) {
                    cmdline = v;
                    break;
                }
            }
        }
        return new GuestImage(name, dir, kernel, initrd, rootfs, cmdline);
    }
}
