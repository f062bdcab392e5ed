package dev.xormount.cache;

import dev.xormount.decode.DecodedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Serves byte ranges of decoded files, from a {@link BlockCache} where it holds the block and by
 * decoding straight into the caller's buffer where it does not, with read-ahead for sequential
 * readers.
 *
 * <p>A request may start anywhere and span any number of blocks. Where a block is cached or being
 * loaded, its part of the request is copied from it. Every other part is decoded directly into
 * the target and not cached, which costs no allocation and no extra copy and decodes only the
 * requested bytes. The kernel keeps the decoded pages in its own page cache anyway.
 *
 * <p>When a request starts in the block after the one the previous request for the same file
 * ended in, the reader is taken to be sequential and the next {@code readAheadBlocks} blocks are
 * queued for decoding into the cache on the read-ahead executor.
 */
public final class BlockReader {
    private final BlockCache cache;
    private final Executor readAheadExecutor;
    private final int readAheadBlocks;
    private final Map<DecodedFile, Long> lastBlockRead = new ConcurrentHashMap<>();

    /**
     * @param readAheadBlocks blocks to decode ahead of a sequential reader; 0 turns read-ahead off
     */
    public BlockReader(BlockCache cache, Executor readAheadExecutor, int readAheadBlocks) {
        this.cache = cache;
        this.readAheadExecutor = readAheadExecutor;
        this.readAheadBlocks = readAheadBlocks;
    }

    public BlockCache cache() {
        return cache;
    }

    /**
     * Copies decoded bytes of {@code file} from {@code offset} into {@code target}, as many as fit
     * and exist, advancing the target's position.
     *
     * @return the number of bytes copied: 0 when {@code offset} is at or past the end of the file
     * @throws IOException if a block cannot be decoded
     */
    public int read(DecodedFile file, long offset, ByteBuffer target) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        if (offset >= file.size() || !target.hasRemaining()) {
            return 0;
        }
        int length = (int) Math.min(target.remaining(), file.size() - offset);
        int blockSize = cache.blockSize();
        long firstBlock = offset / blockSize;
        long lastBlock = (offset + length - 1) / blockSize;
        readAhead(file, firstBlock, lastBlock);

        int copied = 0;
        for (long index = firstBlock; index <= lastBlock; index++) {
            long position = offset + copied;
            int from = (int) (position - index * blockSize);
            int n = (int) Math.min(length - copied, (long) blockSize - from);
            ByteBuffer block = cache.blockIfPresent(file, index);
            if (block != null) {
                target.put(target.position(), block, from, n);
            } else {
                file.read(position, target.slice(target.position(), n));
            }
            target.position(target.position() + n);
            copied += n;
        }
        return copied;
    }

    private void readAhead(DecodedFile file, long firstBlock, long lastBlock) {
        if (readAheadBlocks == 0) {
            return;
        }
        Long previous = lastBlockRead.put(file, lastBlock);
        boolean sequential = previous != null && (firstBlock == previous || firstBlock == previous + 1);
        if (!sequential) {
            return;
        }
        for (long index = lastBlock + 1; index <= lastBlock + readAheadBlocks; index++) {
            cache.prefetch(file, index, readAheadExecutor);
        }
    }
}
