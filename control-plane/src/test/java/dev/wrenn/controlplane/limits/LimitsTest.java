package dev.wrenn.controlplane.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.http.ApiException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LimitsTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(42 * SECOND);

    @Test
    void bucketAllowsBurstThenRefillsAtRate() {
        var limiter = new RateLimiter(2, 3, clock::get);
        for (int i = 0; i < 3; i++) limiter.check("k");
        assertThatThrownBy(() -> limiter.check("k")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo("rate_limited");
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterSec()).isEqualTo(1);
        });
        limiter.check("other"); // another key has its own bucket
        clock.addAndGet(SECOND / 2); // one token back at 2/s
        limiter.check("k");
        assertThatThrownBy(() -> limiter.check("k")).isInstanceOf(ApiException.class);
    }

    @Test
    void retryAfterIsWholeSecondsAtLeastOne() {
        assertThat(RateLimiter.seconds(1)).isEqualTo(1);
        assertThat(RateLimiter.seconds(SECOND)).isEqualTo(1);
        assertThat(RateLimiter.seconds(SECOND + 1)).isEqualTo(2);
        var slow = new RateLimiter(1, 1, clock::get);
        slow.check("k");
        assertThatThrownBy(() -> slow.check("k"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.retryAfterSec()).isEqualTo(1));
    }

    @Test
    void clockSteppingBackMintsNothing() {
        var b = new TokenBucket(1, 1, clock.get());
        assertThat(b.take(clock.get())).isZero();
        assertThat(b.take(clock.get() - 100 * SECOND)).isPositive();
    }

    @Test
    void failureWindowBlocksAtMaxUntilWindowEnds() {
        var w = new FailureWindows(3, Duration.ofSeconds(60), clock::get);
        w.fail("a");
        w.fail("a");
        assertThat(w.blockedForSec("a")).isZero();
        w.fail("a");
        assertThat(w.blockedForSec("a")).isEqualTo(60);
        assertThat(w.blockedForSec("b")).isZero();
        clock.addAndGet(50 * SECOND);
        assertThat(w.blockedForSec("a")).isEqualTo(10);
        clock.addAndGet(10 * SECOND);
        assertThat(w.blockedForSec("a")).isZero();
        w.fail("a"); // a new window, counting from one
        assertThat(w.blockedForSec("a")).isZero();
        w.fail("a");
        w.fail("a");
        assertThat(w.blockedForSec("a")).isPositive();
        w.reset("a");
        assertThat(w.blockedForSec("a")).isZero();
    }

    @Test
    void streamSlotsCapAndFreeOnceEach() {
        var slots = new StreamSlots(2);
        var one = slots.acquire("sb");
        var two = slots.acquire("sb");
        assertThatThrownBy(() -> slots.acquire("sb"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("too_many_streams"));
        slots.acquire("other").close();
        one.close();
        one.close(); // a second close must not free a slot it no longer holds
        assertThat(slots.open("sb")).isEqualTo(1);
        var three = slots.acquire("sb");
        assertThatThrownBy(() -> slots.acquire("sb")).isInstanceOf(ApiException.class);
        two.close();
        three.close();
        assertThat(slots.open("sb")).isZero();
    }
}
