package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disk sizes within their bounds, and the free-space check against the real file system of a directory. */
class DiskPolicyTest {
    private static final DiskPolicy POLICY = new DiskPolicy(2048, 32768, 1024);

    @Test
    void sizesStayWithinTheFloorAndTheMaximum() throws Exception {
        assertThat(POLICY.size(0, 2048, 480, "rootfs")).isEqualTo(2048);
        assertThat(POLICY.size(600, 2048, 480, "rootfs")).isEqualTo(600);
        // No request on a template larger than the default: the template's size.
        assertThat(POLICY.size(0, 4096, 4096, "template")).isEqualTo(4096);
        assertThatThrownBy(() -> POLICY.size(400, 2048, 480, "rootfs"))
                .isInstanceOfSatisfying(SandboxException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SandboxException.Reason.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("smaller than rootfs (480 MiB)");
                });
        assertThatThrownBy(() -> POLICY.size(32769, 2048, 480, "rootfs"))
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.getMessage()).contains("exceeds this host's maximum of 32768"));
    }

    @Test
    void refusesWhenTooLittleWouldStayFree(@TempDir Path dir) throws Exception {
        long freeMb = Files.getFileStore(dir).getUsableSpace() >> 20;
        // A disk that leaves the reserve free passes (the probe can succeed) ...
        new DiskPolicy(1, 32768, 1).checkFree(dir, 1, 0, "sandbox ok");
        // ... one that would not is INSUFFICIENT_STORAGE, with the numbers.
        int tooBig = (int) Math.min(Integer.MAX_VALUE, freeMb);
        assertThatThrownBy(() -> new DiskPolicy(1, Integer.MAX_VALUE, 1024).checkFree(dir, tooBig, 0, "sandbox x"))
                .isInstanceOfSatisfying(SandboxException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SandboxException.Reason.INSUFFICIENT_STORAGE);
                    assertThat(e.getMessage()).contains("insufficient storage", "sandbox x", "1024 MiB must stay free");
                });
        // What a paused disk already holds is not counted twice.
        new DiskPolicy(1, Integer.MAX_VALUE, 0).checkFree(dir, tooBig, (long) tooBig << 20, "resume");
    }
}
