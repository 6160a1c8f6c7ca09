package dev.wrenn.hostagent.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Pumps a guest stream into a gRPC server stream on a virtual thread, as fast as the client takes it
 * ({@link FlowGate}). A client that goes away closes the guest stream, which ends the guest's side
 * (a watcher is removed, an attachment detached); the end of the guest stream completes the call.
 */
final class StreamRelay<E, M> {
    interface Source<E> extends AutoCloseable {
        /** The next event, null at the end. */
        E next() throws Exception;
    }

    interface Opener<E> {
        Source<E> open() throws Exception;
    }

    interface Mapper<E, M> {
        M map(E event);
    }

    private StreamRelay() {}

    /** Must be called inside the service method (gRPC accepts handlers only there). */
    static <E, M> void start(String name, StreamObserver<M> observer, Opener<E> opener, Mapper<E, M> mapper) {
        var call = (ServerCallStreamObserver<M>) observer;
        var source = new java.util.concurrent.atomic.AtomicReference<Source<E>>();
        FlowGate gate = new FlowGate(call, () -> HostAgentGrpcService.closeQuietly(source.get()));
        Thread.ofVirtual().name(name).start(() -> {
            try (Source<E> s = opener.open()) {
                source.set(s);
                if (call.isCancelled()) return;
                E e;
                while ((e = s.next()) != null) {
                    if (!gate.awaitReady()) return;
                    call.onNext(mapper.map(e));
                }
                if (!call.isCancelled()) call.onCompleted();
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                if (!call.isCancelled()) call.onError(Errors.toStatus(e));
            }
        });
    }
}
