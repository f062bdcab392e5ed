package dev.xormount.codec;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Writes a file in large sequential chunks with two threads: the caller's thread produces chunk
 * {@code k + 1} (reads and XORs) while a writer thread hashes and writes chunk {@code k}. Two
 * direct buffers of {@code chunkSize} bytes alternate, so memory use is {@code 2 * chunkSize}.
 *
 * <p>Not thread-safe: one instance copies one file at a time.
 */
public final class ChunkPipeline implements Closeable {
    /**
     * Default chunk size: 16 MiB. Large enough that per-call overhead is negligible next to the
     * data, and small enough that two buffers fit the launcher's default direct-memory headroom.
     */
    public static final int DEFAULT_CHUNK_SIZE = 16 << 20;

    /** Fills a buffer with the bytes of the output file at a position. */
    @FunctionalInterface
    public interface ChunkSource {
        /** Fills {@code target} from its position to its limit with the output bytes at {@code position}. */
        void fill(long position, ByteBuffer target) throws IOException;
    }

    private final ByteBuffer[] buffers;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "chunk-writer");
        thread.setDaemon(true);
        return thread;
    });

    public ChunkPipeline(int chunkSize) {
        if (chunkSize < 4096) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is below 4096 bytes");
        }
        buffers = new ByteBuffer[] {
            ByteBuffer.allocateDirect(chunkSize).order(ByteOrder.nativeOrder()),
            ByteBuffer.allocateDirect(chunkSize).order(ByteOrder.nativeOrder())
        };
    }

    /**
     * Writes {@code size} bytes from {@code source} to {@code out} starting at its position 0,
     * adding every written byte to {@code digest}.
     *
     * @param progress called with the byte count of each chunk once it is written
     * @throws IOException from the source or the output; the output then contains an unknown prefix
     */
    public void copy(long size, ChunkSource source, FileChannel out, MessageDigest digest, LongConsumer progress) throws IOException {
        Future<?> pending = null;
        long position = 0;
        int index = 0;
        try {
            while (position < size) {
                ByteBuffer buffer = buffers[index];
                buffer.clear().limit((int) Math.min(buffer.capacity(), size - position));
                source.fill(position, buffer);
                buffer.flip();
                await(pending);
                long at = position;
                pending = writer.submit(() -> {
                    digest.update(buffer.duplicate());
                    writeFully(out, buffer, at);
                    progress.accept(buffer.limit());
                    return null;
                });
                position += buffer.limit();
                index ^= 1;
            }
            await(pending);
            pending = null;
        } finally {
            if (pending != null) {
                awaitQuietly(pending);
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += out.write(buffer, at);
        }
    }

    private static void await(Future<?> pending) throws IOException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    /** Waits for the last write after a failure, so no thread still uses a buffer or the output. */
    private static void awaitQuietly(Future<?> pending) {
        try {
            pending.get();
        } catch (Exception e) {
            // The copy already failed with the first error; this one adds nothing.
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
