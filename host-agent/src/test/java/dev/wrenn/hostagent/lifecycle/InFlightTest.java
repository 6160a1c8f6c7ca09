package dev.wrenn.hostagent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightTest {

    @Test
    void closeAbortsWhatIsOpenWithTheReasonThenRunsTheHooks() {
        var f = new InFlight("sandbox x");
        List<String> log = new ArrayList<>();
        f.add("a", e -> log.add("abort a: " + e.getMessage()));
        f.add("b", e -> log.add("abort b: " + e.getMessage()));
        f.afterClose("pool", () -> log.add("hook"));
        f.afterClose("pool", () -> log.add("second hook of the same key"));
        f.remove("b");
        assertThat(f.size()).isEqualTo(1);
        f.close("gone");
        f.close("again");
        assertThat(log).containsExactly("abort a: gone", "hook");
        assertThat(f.isClosed()).isTrue();
        assertThat(f.size()).isZero();
    }

    @Test
    void whatArrivesAfterCloseIsAbortedAtOnce() {
        var f = new InFlight("sandbox x");
        f.close("stopped");
        List<String> log = new ArrayList<>();
        assertThat(f.add("late", e -> log.add(e.getMessage()))).isFalse();
        f.afterClose("pool", () -> log.add("hook"));
        assertThat(log).containsExactly("stopped", "hook");
        assertThat(f.size()).isZero();
    }

    @Test
    void racingAddsAndACloseAbortEveryAddExactlyOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            var f = new InFlight("sandbox x");
            int n = 200;
            var aborted = new AtomicInteger();
            var accepted = new CopyOnWriteArrayList<Integer>();
            var go = new CountDownLatch(1);
            try (var pool = Executors.newFixedThreadPool(4)) {
                for (int i = 0; i < n; i++) {
                    int k = i;
                    pool.submit(() -> {
                        go.await();
                        if (f.add(k, e -> aborted.incrementAndGet())) accepted.add(k);
                        return null;
                    });
                }
                pool.submit(() -> {
                    go.await();
                    f.close("stop");
                    return null;
                });
                go.countDown();
            }
            // Nothing was removed, so every add ended aborted: by the close or, arriving later, at once.
            assertThat(aborted.get()).isEqualTo(n);
            assertThat(f.size()).isZero();
        }
    }
}
