package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LifecycleLocksTest {
    /**
     * Many threads hammer one sandbox's lock, entering and leaving constantly, so that entries are
     * removed and re-created all the time: at no instant may two of them be inside.
     */
    @Test
    void neverTwoHoldersOfOneSandboxEvenWhileEntriesComeAndGo() throws Exception {
        var locks = new LifecycleLocks();
        var inside = new AtomicInteger();
        var overlaps = new AtomicInteger();
        var start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            boolean trying = t % 2 == 0;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    Runnable critical = () -> {
                        if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                    };
                    if (trying) {
                        locks.tryWithLock("sb-1", critical);
                    } else {
                        locks.withLock("sb-1", () -> {
                            critical.run();
                            return null;
                        });
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) t.join();
        assertThat(overlaps.get()).isZero();
        assertThat(locks.size()).as("entries left behind").isZero();
    }

    @Test
    void tryWithLockGivesWayToAHolderAndIsReentrantForIt() {
        var locks = new LifecycleLocks();
        boolean[] ran = new boolean[2];
        locks.withLock("sb-1", () -> {
            // The holder's own thread re-enters (the reconciler's pass inside a held lock in tests).
            ran[0] = locks.tryWithLock("sb-1", () -> {});
            var other = Thread.ofPlatform().start(() -> ran[1] = locks.tryWithLock("sb-1", () -> {}));
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        assertThat(ran[0]).isTrue();
        assertThat(ran[1]).as("another thread while the lock is held").isFalse();
        assertThat(locks.size()).isZero();
    }
}
