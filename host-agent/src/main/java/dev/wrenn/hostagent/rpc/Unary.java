package dev.wrenn.hostagent.rpc;

import io.grpc.stub.StreamObserver;

/** One answer or one error for a unary call, the error mapped by {@link Errors}. */
final class Unary {
    @FunctionalInterface
    interface Body<T> {
        T get() throws Exception;
    }

    private Unary() {}

    static <T> void answer(StreamObserver<T> out, Body<T> body) {
        T result;
        try {
            result = body.get();
        } catch (Throwable e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            out.onError(Errors.toStatus(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }
}
