package dev.wrenn.guestagent.sys;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Platform threads for calls that wait in the kernel. A virtual thread waiting in an FFM downcall, or in a
 * read or write of a pipe through FileInputStream or FileOutputStream, holds its carrier: JDK 25 lends a
 * spare carrier only around its own Process pipes and System.in/out, not around file streams. The guest has
 * one or two carriers, so two quiet pipes would stall the agent. Such calls made on a virtual thread run on
 * one of these threads instead, while the virtual thread parks.
 */
final class Blocking {
    /** Threads are kept 60 s for the next call; 256 KiB of stack is plenty for a read or a downcall. */
    static final ExecutorService THREADS = Executors.newCachedThreadPool(Thread.ofPlatform()
            .daemon()
            .name("blocking-", 0)
            .stackSize(256 * 1024)
            .factory());

    private Blocking() {}

    interface Call<T> {
        T call() throws IOException;
    }

    /** {@code call} on this thread if it is a platform one, else on a platform thread while this one parks. */
    static <T> T call(Call<T> call) throws IOException {
        if (!Thread.currentThread().isVirtual()) return call.call();
        var result = new CompletableFuture<T>();
        THREADS.execute(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }
}
