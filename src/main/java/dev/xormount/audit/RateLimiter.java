package dev.xormount.audit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Caps the bytes per second a background task reads, by sleeping before a read that would exceed
 * the rate. Unused time does not accumulate, so the task never bursts above the cap after an idle
 * period. Thread-safe; all threads share one budget.
 */
public final class RateLimiter {
    /** Sleeps for a number of nanoseconds; tests pass a fake that advances a fake clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double bytesPerSecond;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final LongAdder acquired = new LongAdder();
    private long nextFree;
    private boolean started;

    /**
     * @param bytesPerSecond the cap; 0 or less means no cap
     * @param nanoClock monotonic time in nanoseconds, such as {@code System::nanoTime}
     */
    public RateLimiter(double bytesPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** Returns a limiter on the system clock; {@code megabytesPerSecond} of 0 means no cap. */
    public static RateLimiter ofMegabytesPerSecond(double megabytesPerSecond) {
        return new RateLimiter(megabytesPerSecond * 1_000_000, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    public boolean isLimited() {
        return bytesPerSecond > 0;
    }

    /** Returns the bytes passed to {@link #acquire} so far, whether or not a cap is set. */
    public long bytesAcquired() {
        return acquired.sum();
    }

    /** Waits until {@code bytes} more bytes fit in the rate, then counts them as read. */
    public void acquire(long bytes) throws InterruptedException {
        acquired.add(Math.max(0, bytes));
        if (!isLimited() || bytes <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (!started || nextFree - now < 0) {
                nextFree = now;
                started = true;
            }
            wait = nextFree - now;
            nextFree += (long) (bytes * 1e9 / bytesPerSecond);
        }
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }
}
