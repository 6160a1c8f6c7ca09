package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** qcow2 overlays over the images' raw rootfs, handled with qemu-img. */
final class QemuDisks implements Disks {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void createOverlay(GuestImage image, Path overlay, int sizeMb) throws IOException {
        create(image.rootfs(), "raw", overlay, sizeMb);
    }

    @Override
    public void createOverlay(Path backingDisk, Path overlay) throws IOException {
        create(backingDisk, "qcow2", overlay, 0);
    }

    @Override
    public void growLive(Vm vm, int sizeMb) throws IOException, InterruptedException {
        QemuVm q = (QemuVm) vm;
        // "root" is the drive id QemuEngine gives the disk; QEMU raises the virtio-blk config-change
        // interrupt, so the guest's driver learns the new capacity at once.
        try (QmpClient qmp = QmpClient.connect(q.spec.qmpSocket(), Duration.ofSeconds(10))) {
            var args = QmpClient.args();
            args.put("device", "root");
            args.put("size", (long) sizeMb << 20);
            qmp.execute("block_resize", args);
        }
    }

    private static void create(Path backing, String backingFormat, Path overlay, int sizeMb) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-F",
                backingFormat,
                "-b",
                backing.toAbsolutePath().toString(),
                overlay.toString()));
        // A size larger than the backing file's: the guest sees zeros past the base, stored in the overlay.
        if (sizeMb > 0) cmd.add(sizeMb + "M");
        HostCommand.check(cmd.toArray(String[]::new));
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
