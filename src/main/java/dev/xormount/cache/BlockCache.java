package dev.xormount.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.xormount.decode.DecodedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cache of decoded blocks, bounded by the bytes it holds.
 *
 * <p>A file is cut into blocks of {@code blockSize} bytes; the last block of a file is shorter
 * when the size is not a multiple. A block is decoded by the first thread that requests it, on
 * that thread; every other thread asking for the same block meanwhile waits for that one load
 * instead of decoding it again. A load that fails is removed before its waiters see the failure,
 * so the next request tries again: failures are never cached.
 *
 * <p>Blocks are direct buffers in native byte order, never written after they are loaded, and
 * shared by all readers; readers must use absolute gets so no reader moves a position another
 * reader relies on.
 *
 * <p>NOTE: Caffeine weighs an entry when its load completes, so blocks being loaded are not
 * counted against {@code maxBytes}. At most one block per reading thread is in flight, which
 * libfuse's thread pool and the read-ahead executor bound in practice, but no code here enforces it.
 */
public final class BlockCache {
    /** Fills a block's buffer with decoded bytes; tests replace it to slow down or fail loads. */
    @FunctionalInterface
    interface Loader {
        void load(DecodedFile file, long position, ByteBuffer target) throws IOException;
    }

    private final AsyncCache<BlockKey, ByteBuffer> cache;
    private final Loader loader;
    private final int blockSize;
    private final long maxBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();

    /**
     * @param maxBytes upper bound on the bytes of completed blocks held at once
     * @param blockSize bytes per block, at least 4096
     * @param maintenance runs Caffeine's eviction work; {@code Runnable::run} makes it synchronous
     */
    public BlockCache(long maxBytes, int blockSize, Executor maintenance) {
        this(maxBytes, blockSize, maintenance, DecodedFile::read);
    }

    BlockCache(long maxBytes, int blockSize, Executor maintenance, Loader loader) {
        this.loader = loader;
        if (blockSize < 4096) {
            throw new IllegalArgumentException("block size " + blockSize + " is below the minimum of 4096 bytes");
        }
        if (maxBytes < blockSize) {
            throw new IllegalArgumentException("cache size " + maxBytes + " is smaller than one block (" + blockSize + " bytes)");
        }
        this.blockSize = blockSize;
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((BlockKey key, ByteBuffer block) -> block.capacity())
                .executor(maintenance)
                .evictionListener((BlockKey key, ByteBuffer block, RemovalCause cause) -> evictions.increment())
                .buildAsync();
    }

    public int blockSize() {
        return blockSize;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Returns the number of blocks {@code file} is cut into. */
    public long blockCount(DecodedFile file) {
        return (file.size() + blockSize - 1) / blockSize;
    }

    /**
     * Returns block {@code index} of {@code file}, decoding it on this thread unless it is cached
     * or another thread is already decoding it.
     *
     * @throws IOException if decoding fails; the failure is not cached
     */
    public ByteBuffer block(DecodedFile file, long index) throws IOException {
        checkIndex(file, index);
        BlockKey key = new BlockKey(file, index);
        CompletableFuture<ByteBuffer> loading = new CompletableFuture<>();
        CompletableFuture<ByteBuffer> existing = cache.asMap().putIfAbsent(key, loading);
        if (existing == null) {
            misses.increment();
            load(key, loading);
            return await(loading);
        }
        hits.increment();
        return await(existing);
    }

    /**
     * Returns block {@code index} of {@code file} if it is cached, waiting for it if another thread
     * is decoding it, or null if neither, in which case nothing is started.
     *
     * @throws IOException if the load in flight fails
     */
    public ByteBuffer blockIfPresent(DecodedFile file, long index) throws IOException {
        checkIndex(file, index);
        CompletableFuture<ByteBuffer> existing = cache.getIfPresent(new BlockKey(file, index));
        if (existing == null) {
            return null;
        }
        hits.increment();
        return await(existing);
    }

    /**
     * Starts decoding block {@code index} of {@code file} on {@code executor} unless it is cached
     * or being decoded. Returns at once; a failed read-ahead is dropped, and a reader that later
     * needs the block decodes it again.
     */
    public void prefetch(DecodedFile file, long index, Executor executor) {
        if (index < 0 || index >= blockCount(file)) {
            return;
        }
        BlockKey key = new BlockKey(file, index);
        if (cache.asMap().containsKey(key)) {
            return;
        }
        CompletableFuture<ByteBuffer> loading = new CompletableFuture<>();
        if (cache.asMap().putIfAbsent(key, loading) != null) {
            return;
        }
        misses.increment();
        try {
            executor.execute(() -> load(key, loading));
        } catch (RejectedExecutionException e) {
            cache.asMap().remove(key, loading);
            loading.cancel(false);
        }
    }

    /** Drops every cached block of {@code file}, for example after it was found to be corrupt. */
    public void invalidate(DecodedFile file) {
        cache.asMap().keySet().removeIf(key -> key.file() == file);
    }

    public CacheStats stats() {
        long bytes = cache.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return new CacheStats(hits.sum(), misses.sum(), evictions.sum(), loadFailures.sum(), bytes, maxBytes);
    }

    private void load(BlockKey key, CompletableFuture<ByteBuffer> loading) {
        try {
            long start = key.index() * blockSize;
            int length = (int) Math.min(blockSize, key.file().size() - start);
            ByteBuffer block = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
            loader.load(key.file(), start, block);
            block.flip();
            loading.complete(block.asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
        } catch (IOException | RuntimeException | Error e) {
            loadFailures.increment();
            // Remove before completing, so no reader can pick up the failed future after its waiters.
            cache.asMap().remove(key, loading);
            loading.completeExceptionally(new LoadFailed(e));
        }
    }

    /**
     * Carries a load's failure to its waiters. It extends CancellationException only because
     * Caffeine logs a warning with a stack trace for every other exception of a failed load, and
     * the caller already logs the failure once with the path involved.
     */
    private static final class LoadFailed extends CancellationException {
        private static final long serialVersionUID = 1L;

        LoadFailed(Throwable cause) {
            super(cause.toString());
            initCause(cause);
        }
    }

    private static ByteBuffer await(CompletableFuture<ByteBuffer> future) throws IOException {
        try {
            return future.join();
        } catch (LoadFailed | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    private void checkIndex(DecodedFile file, long index) {
        if (index < 0 || index >= blockCount(file)) {
            throw new IndexOutOfBoundsException("block " + index + " outside " + file.name() + " (" + blockCount(file) + " blocks)");
        }
    }

    private record BlockKey(DecodedFile file, long index) {}
}
