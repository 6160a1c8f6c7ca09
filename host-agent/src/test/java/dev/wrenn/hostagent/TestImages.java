package dev.wrenn.hostagent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the ITs find the guest image. Missing image: a clear failure, never a skip. */
public final class TestImages {
    private TestImages() {}

    public static Path dir() {
        String v = System.getProperty("WRENN_IMAGE_DIR", System.getenv("WRENN_IMAGE_DIR"));
        Path dir = v != null && !v.isBlank() ? Path.of(v) : Path.of(System.getProperty("user.home"), ".wrenn", "images", "minimal");
        for (String f : List.of("vmlinux", "initramfs.cpio", "rootfs.ext4")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalStateException("guest image not found: " + dir.resolve(f) + " is missing. Build it with"
                        + " guest-image/build.sh or point WRENN_IMAGE_DIR (system property or env) at a directory holding"
                        + " vmlinux, initramfs.cpio and rootfs.ext4.");
            }
        }
        return dir;
    }
}
