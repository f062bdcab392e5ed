package dev.xormount.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private long now = 1_000;
    private final List<Long> sleeps = new ArrayList<>();

    private RateLimiter limiter(double bytesPerSecond) {
        return new RateLimiter(bytesPerSecond, () -> now, nanos -> {
            sleeps.add(nanos);
            now += nanos;
        });
    }

    @Test
    void acquire_withinFirstRead_doesNotSleep() throws Exception {
        limiter(1_000_000).acquire(500_000);

        assertEquals(List.of(), sleeps);
    }

    @Test
    void acquire_backToBack_sleepsForPreviousRead() throws Exception {
        RateLimiter limiter = limiter(1_000_000);

        limiter.acquire(1_000_000);
        limiter.acquire(500_000);
        limiter.acquire(1);

        assertEquals(List.of(1_000_000_000L, 500_000_000L), sleeps);
    }

    @Test
    void acquire_afterIdleTime_doesNotBurst() throws Exception {
        RateLimiter limiter = limiter(1_000_000);
        limiter.acquire(1_000_000);
        now += 10_000_000_000L;

        limiter.acquire(1_000_000);
        limiter.acquire(1_000_000);

        assertEquals(List.of(1_000_000_000L), sleeps, "only the third read waits, for the second");
    }

    @Test
    void acquire_sustained_averagesToRate() throws Exception {
        RateLimiter limiter = limiter(4_000_000);
        long start = now;

        for (int i = 0; i < 100; i++) {
            limiter.acquire(400_000);
        }

        assertEquals(9_900_000_000L, now - start, "99 waits of 0.1 s for 100 reads of 0.4 MB at 4 MB/s");
    }

    @Test
    void acquire_zeroRate_neverSleeps() throws Exception {
        RateLimiter limiter = limiter(0);

        for (int i = 0; i < 10; i++) {
            limiter.acquire(1L << 30);
        }

        assertEquals(List.of(), sleeps);
    }
}
