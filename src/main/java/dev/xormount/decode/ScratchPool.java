package dev.xormount.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A bounded pool of direct buffers in native byte order, reused across threads so a read does
 * not allocate (allocateDirect zeroes the memory and the kernel faults in fresh pages).
 *
 * <p>At most {@link #MAX_POOLED} buffers of at most {@link #MAX_POOLED_CAPACITY} bytes each are
 * kept, so idle buffers cost at most 32 MiB. A buffer that is larger, or returned to a full pool,
 * is dropped and freed by the garbage collector. Thread-safe.
 */
final class ScratchPool {
    /** Enough for libfuse's worker threads on a busy mount. */
    static final int MAX_POOLED = 32;
    /** FUSE requests are 128 KiB under libfuse 2.9 and blocks 1 MiB by default. */
    static final int MAX_POOLED_CAPACITY = 1 << 20;

    private final ArrayBlockingQueue<ByteBuffer> idle = new ArrayBlockingQueue<>(MAX_POOLED);

    /** Returns a buffer with position 0 and limit {@code length}, pooled when one is big enough. */
    ByteBuffer take(int length) {
        ByteBuffer buffer = idle.poll();
        if (buffer == null || buffer.capacity() < length) {
            // Rounded up to a power of two, so the few request sizes of a mount share buffers.
            int capacity = Integer.highestOneBit(Math.max(length, 4096) - 1) << 1;
            buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
        }
        buffer.clear().limit(length);
        return buffer;
    }

    /** Puts {@code buffer} back for another {@link #take}; the caller must not use it afterwards. */
    void give(ByteBuffer buffer) {
        if (buffer.capacity() <= MAX_POOLED_CAPACITY) {
            idle.offer(buffer);
        }
    }
}
