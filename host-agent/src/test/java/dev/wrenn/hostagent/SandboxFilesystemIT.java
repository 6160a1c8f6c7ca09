package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.FileChangeType;
import dev.wrenn.proto.hostagent.v1.FileEntry;
import dev.wrenn.proto.hostagent.v1.FileType;
import dev.wrenn.proto.hostagent.v1.FilesystemServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListDirRequest;
import dev.wrenn.proto.hostagent.v1.MovePathRequest;
import dev.wrenn.proto.hostagent.v1.PathRequest;
import dev.wrenn.proto.hostagent.v1.WatchDirEvent;
import dev.wrenn.proto.hostagent.v1.WatchDirRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The guest's file system through the host agent's FilesystemService, on a real VM (TCG). */
class SandboxFilesystemIT {
    static AgentFixture f;
    static FilesystemServiceGrpc.FilesystemServiceBlockingStub fs;
    static final String ID = "fs-a";

    @BeforeAll
    static void boot() throws Exception {
        f = AgentFixture.start();
        f.create(ID);
        fs = FilesystemServiceGrpc.newBlockingStub(f.channel);
    }

    @AfterAll
    static void close() throws Exception {
        if (f != null) f.close();
    }

    static FilesystemServiceGrpc.FilesystemServiceBlockingStub stub() {
        return fs.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static PathRequest path(String p) {
        return PathRequest.newBuilder().setSandboxId(ID).setPath(p).build();
    }

    static void sh(String script) {
        var r = f.blocking
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(ID)
                        .setCmd("sh")
                        .addArgs("-c")
                        .addArgs(script)
                        .build());
        assertThat(r.getExitCode()).as(r.getStderr().toStringUtf8()).isZero();
    }

    static void assertCode(Status.Code code, Executable call) {
        assertThatThrownBy(call::execute)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }

    @Test
    void makeStatListMoveAndRemove() {
        FileEntry dir = stub().makeDir(path("/root/fs-test/a"));
        assertThat(dir.getType()).isEqualTo(FileType.FILE_TYPE_DIRECTORY);
        assertThat(dir.getPath()).isEqualTo("/root/fs-test/a");
        sh("printf 12345 > /root/fs-test/a/five && mkdir -p /root/fs-test/a/sub && touch /root/fs-test/a/sub/deep");

        FileEntry five = stub().statPath(path("/root/fs-test/a/five"));
        assertThat(five.getType()).isEqualTo(FileType.FILE_TYPE_FILE);
        assertThat(five.getSize()).isEqualTo(5);
        assertThat(five.getPermissions()).startsWith("-rw");
        assertThat(five.getOwner()).isEqualTo("root");

        var oneLevel = stub().listDir(ListDirRequest.newBuilder()
                        .setSandboxId(ID)
                        .setPath("/root/fs-test/a")
                        .setDepth(1)
                        .build())
                .getEntriesList();
        assertThat(oneLevel).extracting(FileEntry::getName).containsExactlyInAnyOrder("five", "sub");
        var twoLevels = stub().listDir(ListDirRequest.newBuilder()
                        .setSandboxId(ID)
                        .setPath("/root/fs-test/a")
                        .setDepth(2)
                        .build())
                .getEntriesList();
        assertThat(twoLevels).extracting(FileEntry::getPath).contains("/root/fs-test/a/sub/deep");

        FileEntry moved = stub().movePath(MovePathRequest.newBuilder()
                .setSandboxId(ID)
                .setSource("/root/fs-test/a/five")
                .setDestination("/root/fs-test/a/cinq")
                .build());
        assertThat(moved.getPath()).isEqualTo("/root/fs-test/a/cinq");
        stub().removePath(path("/root/fs-test/a"));
        assertCode(Status.Code.NOT_FOUND, () -> stub().statPath(path("/root/fs-test/a")));
    }

    @Test
    void badPathsAreRefusedWithTheRightCode() {
        assertCode(Status.Code.INVALID_ARGUMENT, () -> stub().statPath(path("relative/file")));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> stub().statPath(path("/root/../etc/shadow")));
        assertCode(Status.Code.NOT_FOUND, () -> stub().statPath(path("/root/no-such-file")));
        sh("mkdir -p /root/twice");
        assertCode(Status.Code.ALREADY_EXISTS, () -> stub().makeDir(path("/root/twice")));
        sh("touch /root/plain-file");
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                () -> stub().listDir(ListDirRequest.newBuilder()
                        .setSandboxId(ID)
                        .setPath("/root/plain-file")
                        .build()));
    }

    @Test
    void aWatchReportsCreateWriteRenameChmodAndRemove() throws Exception {
        sh("mkdir -p /root/watched");
        List<WatchDirEvent> seen = new ArrayList<>();
        try (Context.CancellableContext c = Context.current().withCancellation()) {
            c.run(() -> {
                Iterator<WatchDirEvent> events = fs.withDeadlineAfter(120, TimeUnit.SECONDS)
                        .watchDir(WatchDirRequest.newBuilder()
                                .setSandboxId(ID)
                                .setPath("/root/watched")
                                .build());
                assertThat(events.next().hasStart()).isTrue();
                sh("cd /root/watched && echo x > f && mv f g && chmod 600 g && rm g && touch last");
                while (events.hasNext()) {
                    WatchDirEvent e = events.next();
                    seen.add(e);
                    if (e.getChange().getName().equals("last")) break;
                }
            });
        }
        assertThat(seen)
                .extracting(e -> e.getChange().getType())
                .contains(
                        FileChangeType.FILE_CHANGE_TYPE_CREATE,
                        FileChangeType.FILE_CHANGE_TYPE_WRITE,
                        FileChangeType.FILE_CHANGE_TYPE_RENAME,
                        FileChangeType.FILE_CHANGE_TYPE_CHMOD,
                        FileChangeType.FILE_CHANGE_TYPE_REMOVE);
    }
}
