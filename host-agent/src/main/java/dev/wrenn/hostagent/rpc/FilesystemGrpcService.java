package dev.wrenn.hostagent.rpc;

import dev.wrenn.hostagent.guest.envd.Entry;
import dev.wrenn.hostagent.guest.envd.EnvdFilesystem;
import dev.wrenn.hostagent.guest.envd.WatchEvent;
import dev.wrenn.hostagent.sandbox.SandboxManager;
import dev.wrenn.proto.hostagent.v1.FileChange;
import dev.wrenn.proto.hostagent.v1.FileChangeType;
import dev.wrenn.proto.hostagent.v1.FileEntry;
import dev.wrenn.proto.hostagent.v1.FileType;
import dev.wrenn.proto.hostagent.v1.FilesystemServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListDirRequest;
import dev.wrenn.proto.hostagent.v1.ListDirResponse;
import dev.wrenn.proto.hostagent.v1.MovePathRequest;
import dev.wrenn.proto.hostagent.v1.PathRequest;
import dev.wrenn.proto.hostagent.v1.RemovePathResponse;
import dev.wrenn.proto.hostagent.v1.WatchDirEvent;
import dev.wrenn.proto.hostagent.v1.WatchDirRequest;
import dev.wrenn.proto.hostagent.v1.WatchStarted;
import io.grpc.stub.StreamObserver;
import java.util.Locale;

/** The gRPC face of the guest's file system: translation to envd's filesystem service. */
public final class FilesystemGrpcService extends FilesystemServiceGrpc.FilesystemServiceImplBase {
    private final SandboxManager manager;

    public FilesystemGrpcService(SandboxManager manager) {
        this.manager = manager;
    }

    private EnvdFilesystem fs(String sandboxId) throws Exception {
        return manager.get(sandboxId).guest().filesystem();
    }

    @Override
    public void statPath(PathRequest r, StreamObserver<FileEntry> out) {
        Unary.answer(out, () -> toProto(fs(r.getSandboxId()).stat(absolute(r.getPath()), user(r.getUser()))));
    }

    @Override
    public void listDir(ListDirRequest r, StreamObserver<ListDirResponse> out) {
        Unary.answer(out, () -> {
            int depth = r.getDepth() == 0 ? 1 : r.getDepth();
            var b = ListDirResponse.newBuilder();
            for (Entry e : fs(r.getSandboxId()).list(absolute(r.getPath()), depth, user(r.getUser())))
                b.addEntries(toProto(e));
            return b.build();
        });
    }

    @Override
    public void makeDir(PathRequest r, StreamObserver<FileEntry> out) {
        Unary.answer(out, () -> toProto(fs(r.getSandboxId()).makeDir(absolute(r.getPath()), user(r.getUser()))));
    }

    @Override
    public void movePath(MovePathRequest r, StreamObserver<FileEntry> out) {
        Unary.answer(
                out,
                () -> toProto(fs(r.getSandboxId())
                        .move(absolute(r.getSource()), absolute(r.getDestination()), user(r.getUser()))));
    }

    @Override
    public void removePath(PathRequest r, StreamObserver<RemovePathResponse> out) {
        Unary.answer(out, () -> {
            fs(r.getSandboxId()).remove(absolute(r.getPath()), user(r.getUser()));
            return RemovePathResponse.getDefaultInstance();
        });
    }

    @Override
    public void watchDir(WatchDirRequest r, StreamObserver<WatchDirEvent> out) {
        StreamRelay.<WatchEvent, WatchDirEvent>start(
                "watch-" + r.getSandboxId(),
                out,
                () -> {
                    var watch = fs(r.getSandboxId()).watch(absolute(r.getPath()), r.getRecursive(), user(r.getUser()));
                    return new StreamRelay.Source<>() {
                        @Override
                        public WatchEvent next() throws Exception {
                            return watch.next();
                        }

                        @Override
                        public void close() throws Exception {
                            watch.close();
                        }
                    };
                },
                FilesystemGrpcService::toProto);
    }

    static WatchDirEvent toProto(WatchEvent e) {
        if (e == WatchEvent.STARTED)
            return WatchDirEvent.newBuilder()
                    .setStart(WatchStarted.getDefaultInstance())
                    .build();
        FileChangeType t;
        try {
            t = FileChangeType.valueOf("FILE_CHANGE_TYPE_" + e.type().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            t = FileChangeType.FILE_CHANGE_TYPE_UNSPECIFIED;
        }
        return WatchDirEvent.newBuilder()
                .setChange(FileChange.newBuilder().setType(t).setName(e.name()))
                .build();
    }

    static FileEntry toProto(Entry e) {
        FileType t = switch (e.type()) {
            case "file" -> FileType.FILE_TYPE_FILE;
            case "directory" -> FileType.FILE_TYPE_DIRECTORY;
            case "symlink" -> FileType.FILE_TYPE_SYMLINK;
            default -> FileType.FILE_TYPE_UNSPECIFIED;
        };
        var b = FileEntry.newBuilder()
                .setName(e.name())
                .setType(t)
                .setPath(e.path())
                .setSize(e.size())
                .setMode(e.mode())
                .setPermissions(e.permissions())
                .setOwner(e.owner())
                .setGroup(e.group());
        if (e.modified() != null) b.setModified(e.modified());
        if (e.symlinkTarget() != null) b.setSymlinkTarget(e.symlinkTarget());
        return b.build();
    }

    /**
     * The host agent's contract takes absolute paths without {@code ..} segments: a path means what it
     * says, and no caller reaches a file by climbing out of the directory it named.
     */
    static String absolute(String path) {
        if (path == null || !path.startsWith("/"))
            throw ProcessGrpcService.invalid("path must be absolute: '" + path + "'");
        for (String segment : path.split("/"))
            if (segment.equals("..")) throw ProcessGrpcService.invalid("path must not contain '..': '" + path + "'");
        return path;
    }

    private static String user(String user) {
        return user.isEmpty() ? null : user;
    }
}
