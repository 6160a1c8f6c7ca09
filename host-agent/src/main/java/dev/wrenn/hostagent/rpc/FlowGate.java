package dev.wrenn.hostagent.rpc;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * Server-side outbound flow control: a producer thread waits here until the transport can take more,
 * so a slow client never makes the agent buffer a whole file in memory.
 */
final class FlowGate {
    private final ServerCallStreamObserver<?> call;
    private final Object lock = new Object();

    /** Must be constructed inside the service method (gRPC accepts handlers only there). */
    FlowGate(ServerCallStreamObserver<?> call, Runnable onCancel) {
        this.call = call;
        call.setOnReadyHandler(() -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        });
        call.setOnCancelHandler(() -> {
            synchronized (lock) {
                lock.notifyAll();
            }
            onCancel.run();
        });
    }

    /** Returns false if the call was cancelled. */
    boolean awaitReady() throws InterruptedException {
        synchronized (lock) {
            while (!call.isReady() && !call.isCancelled()) lock.wait(100);
        }
        return !call.isCancelled();
    }
}
