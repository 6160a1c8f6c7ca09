package dev.wrenn.controlplane.host.grpc;

import dev.wrenn.controlplane.config.HostAgentTimeouts;
import dev.wrenn.controlplane.host.FsEntry;
import dev.wrenn.controlplane.host.FsWatch;
import dev.wrenn.controlplane.host.HostFilesystem;
import dev.wrenn.proto.hostagent.v1.FileEntry;
import dev.wrenn.proto.hostagent.v1.FilesystemServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListDirRequest;
import dev.wrenn.proto.hostagent.v1.MovePathRequest;
import dev.wrenn.proto.hostagent.v1.PathRequest;
import dev.wrenn.proto.hostagent.v1.WatchDirEvent;
import dev.wrenn.proto.hostagent.v1.WatchDirRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** {@link HostFilesystem} over the host agent's FilesystemService. */
final class GrpcHostFilesystem implements HostFilesystem {
    private final ManagedChannel channel;
    private final HostAgentTimeouts timeouts;

    GrpcHostFilesystem(ManagedChannel channel, HostAgentTimeouts timeouts) {
        this.channel = channel;
        this.timeouts = timeouts;
    }

    private FilesystemServiceGrpc.FilesystemServiceBlockingStub blocking() {
        return FilesystemServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeouts.call().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static PathRequest path(String sandboxId, String path, String user) {
        return PathRequest.newBuilder()
                .setSandboxId(sandboxId)
                .setPath(path)
                .setUser(user == null ? "" : user)
                .build();
    }

    @Override
    public FsEntry stat(String sandboxId, String path, String user) {
        return entry(GrpcErrors.call(() -> blocking().statPath(path(sandboxId, path, user))));
    }

    @Override
    public List<FsEntry> list(String sandboxId, String path, int depth, String user) {
        return GrpcErrors.call(() -> blocking()
                        .listDir(ListDirRequest.newBuilder()
                                .setSandboxId(sandboxId)
                                .setPath(path)
                                .setDepth(depth)
                                .setUser(user == null ? "" : user)
                                .build())
                        .getEntriesList())
                .stream()
                .map(GrpcHostFilesystem::entry)
                .toList();
    }

    @Override
    public FsEntry makeDir(String sandboxId, String path, String user) {
        return entry(GrpcErrors.call(() -> blocking().makeDir(path(sandboxId, path, user))));
    }

    @Override
    public FsEntry move(String sandboxId, String source, String destination, String user) {
        return entry(GrpcErrors.call(() -> blocking()
                .movePath(MovePathRequest.newBuilder()
                        .setSandboxId(sandboxId)
                        .setSource(source)
                        .setDestination(destination)
                        .setUser(user == null ? "" : user)
                        .build())));
    }

    @Override
    public void remove(String sandboxId, String path, String user) {
        GrpcErrors.call(() -> blocking().removePath(path(sandboxId, path, user)));
    }

    @Override
    public FsWatch watch(String sandboxId, String path, boolean recursive, String user, FsWatch.Listener listener) {
        Context.CancellableContext call = Context.current().withCancellation();
        var request = WatchDirRequest.newBuilder()
                .setSandboxId(sandboxId)
                .setPath(path)
                .setRecursive(recursive)
                .setUser(user == null ? "" : user)
                .build();
        call.run(() -> FilesystemServiceGrpc.newStub(channel).watchDir(request, new StreamObserver<>() {
            @Override
            public void onNext(WatchDirEvent e) {
                if (e.hasStart()) listener.started();
                else if (e.hasChange()) {
                    String type = e.getChange().getType().name().replace("FILE_CHANGE_TYPE_", "");
                    listener.changed(
                            type.toLowerCase(Locale.ROOT), e.getChange().getName());
                }
            }

            @Override
            public void onError(Throwable t) {
                listener.ended(call.isCancelled() ? null : GrpcErrors.from(t));
            }

            @Override
            public void onCompleted() {
                listener.ended(null);
            }
        }));
        return () -> call.cancel(null);
    }

    static FsEntry entry(FileEntry e) {
        String type = e.getType().name().replace("FILE_TYPE_", "").toLowerCase(Locale.ROOT);
        return new FsEntry(
                e.getName(),
                type,
                e.getPath(),
                e.getSize(),
                e.getMode(),
                e.getPermissions(),
                e.getOwner(),
                e.getGroup(),
                e.getModified().isEmpty() ? null : e.getModified(),
                e.getSymlinkTarget().isEmpty() ? null : e.getSymlinkTarget());
    }
}
