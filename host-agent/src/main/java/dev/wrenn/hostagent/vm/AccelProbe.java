package dev.wrenn.hostagent.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once, at start-up, between KVM and TCG. An openable /dev/kvm is not enough: on nested
 * (PVM-based) hosts KVM accepts the VM and then dies with an emulation failure mid-boot. So the probe
 * boots the real kernel and initramfs (no disk, no network) under -accel kvm with verbose console
 * output and requires the kernel to hand over to /init within the timeout.
 */
public final class AccelProbe {
    private static final Logger log = LoggerFactory.getLogger(AccelProbe.class);
    static final String MARKER = "Run /init as init process";

    public enum Mode {
        AUTO,
        KVM,
        TCG
    }

    private AccelProbe() {}

    public static AccelChoice choose(
            Mode mode, GuestImage image, QemuHost qemu, Path workDir, String prefix, Duration timeout) {
        AccelChoice choice = switch (mode) {
            case TCG -> new AccelChoice(Accel.TCG, "forced by configuration");
            case KVM -> new AccelChoice(Accel.KVM, "forced by configuration");
            case AUTO -> probe(image, qemu, workDir, prefix, timeout);
        };
        log.info("accelerator: {} ({})", choice.accel().qemuName(), choice.reason());
        return choice;
    }

    static AccelChoice probe(GuestImage image, QemuHost qemu, Path workDir, String prefix, Duration timeout) {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) return new AccelChoice(Accel.TCG, "no /dev/kvm");
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm))
            return new AccelChoice(Accel.TCG, "/dev/kvm not accessible");
        if (image == null) return new AccelChoice(Accel.TCG, "no guest image to probe KVM with");
        Path dir = null;
        Process p = null;
        try {
            Files.createDirectories(workDir);
            dir = Files.createTempDirectory(workDir, prefix + "kvm-probe");
            Path console = dir.resolve("console.log");
            String cmdline = image.baseCmdline().replace(" quiet", "").replaceAll("loglevel=\\d", "") + " loglevel=7";
            GuestImage verbose =
                    new GuestImage(image.name(), image.dir(), image.kernel(), image.initrd(), image.rootfs(), cmdline);
            VmSpec spec = new VmSpec(prefix + "kvm-probe", dir, verbose, null, 1, 256, "", null, null, null);
            p = new ProcessBuilder(QemuEngine.argv(spec, Accel.KVM, qemu))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu.log").toFile())
                    .start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (Files.exists(console)
                        && Files.readString(console, java.nio.charset.StandardCharsets.ISO_8859_1)
                                .contains(MARKER)) {
                    return new AccelChoice(Accel.KVM, "KVM probe boot reached /init");
                }
                if (!p.isAlive()) {
                    String err = QemuVm.tail(dir.resolve("qemu.log"), 3).strip().replace('\n', ' ');
                    return new AccelChoice(Accel.TCG, "KVM probe boot failed: " + err);
                }
                Thread.sleep(50);
            }
            return new AccelChoice(
                    Accel.TCG, "KVM probe boot did not reach /init within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return new AccelChoice(Accel.TCG, "KVM probe could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AccelChoice(Accel.TCG, "KVM probe interrupted");
        } finally {
            if (p != null) {
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
            if (dir != null) deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the reclaimer sweeps the work dir at the next start
        }
    }
}
