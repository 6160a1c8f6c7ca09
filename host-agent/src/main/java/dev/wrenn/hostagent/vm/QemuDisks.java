package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** qcow2 overlays over the images' raw rootfs, handled with qemu-img. */
final class QemuDisks implements Disks {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void createOverlay(GuestImage image, Path overlay) throws IOException {
        create(image.rootfs(), "raw", overlay);
    }

    @Override
    public void createOverlay(Path backingDisk, Path overlay) throws IOException {
        create(backingDisk, "qcow2", overlay);
    }

    private static void create(Path backing, String backingFormat, Path overlay) throws IOException {
        HostCommand.check(
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-F",
                backingFormat,
                "-b",
                backing.toAbsolutePath().toString(),
                overlay.toString());
    }

    @Override
    public void rebaseOnto(Path disk, GuestImage image) throws IOException {
        HostCommand.check(
                "qemu-img",
                "rebase",
                "-q",
                "-f",
                "qcow2",
                "-F",
                "raw",
                "-b",
                image.rootfs().toAbsolutePath().toString(),
                disk.toString());
    }

    @Override
    public List<String> backingChain(Path disk) throws IOException {
        // -U: a running VM of a clone may hold a lock on the chain's files; reading metadata is safe.
        String out = HostCommand.check("qemu-img", "info", "-U", "--backing-chain", "--output=json", disk.toString());
        List<String> files = new ArrayList<>();
        for (JsonNode n : JSON.readTree(out)) files.add(n.path("filename").asString(""));
        return files;
    }
}
