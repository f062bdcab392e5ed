package dev.xormount.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockReaderDirectTest {
    private static final int BLOCK_SIZE = 4096;

    @TempDir
    Path dir;

    private byte[] payload;
    private byte[] base;
    private DecodedFile file;

    @BeforeEach
    void writeSources() throws IOException {
        Random random = new Random(7);
        base = new byte[5 * BLOCK_SIZE + 123];
        payload = new byte[8 * BLOCK_SIZE + 45];
        random.nextBytes(base);
        random.nextBytes(payload);
        Path basePath = Files.write(dir.resolve("base.bin"), base);
        Path payloadPath = Files.write(dir.resolve("payload.bin"), payload);
        file = new DecodedFile("model.bin", SourceFile.inspect(payloadPath), SourceFile.inspect(basePath));
    }

    @AfterEach
    void closeFile() throws IOException {
        file.close();
    }

    /** Returns the decoded bytes {@code [offset, offset + length)} by the plain rule. */
    private byte[] expected(int offset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int at = offset + i;
            out[i] = at < base.length ? (byte) (payload[at] ^ base[at]) : payload[at];
        }
        return out;
    }

    private byte[] readThrough(BlockReader reader, int offset, int length) throws IOException {
        ByteBuffer target = ByteBuffer.allocateDirect(length);
        int n = reader.read(file, offset, target);
        assertEquals(Math.min(length, payload.length - offset), n, "bytes read at " + offset);
        byte[] out = new byte[n];
        target.flip().get(out);
        return out;
    }

    @Test
    void read_uncachedRanges_matchReferenceDecode() throws IOException {
        BlockReader reader = new BlockReader(new BlockCache(1 << 20, BLOCK_SIZE, Runnable::run), Runnable::run, 0);
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            int offset = random.nextInt(payload.length);
            int length = 1 + random.nextInt(3 * BLOCK_SIZE);
            byte[] got = readThrough(reader, offset, length);
            assertArrayEquals(expected(offset, got.length), got, "range " + offset + "+" + length);
        }
        assertEquals(0, reader.cache().stats().misses(), "blocks loaded without read-ahead");
    }

    @Test
    void read_partlyCachedRange_matchesReferenceDecode() throws IOException {
        BlockCache cache = new BlockCache(1 << 20, BLOCK_SIZE, Runnable::run);
        BlockReader reader = new BlockReader(cache, Runnable::run, 0);
        cache.prefetch(file, 1, Runnable::run);
        cache.prefetch(file, 5, Runnable::run);

        byte[] got = readThrough(reader, BLOCK_SIZE - 10, 5 * BLOCK_SIZE + 20);

        assertArrayEquals(expected(BLOCK_SIZE - 10, got.length), got);
        assertEquals(2, cache.stats().hits(), "cached blocks used");
    }

    @Test
    void read_sequentialWithReadAhead_matchesReferenceDecode() throws IOException {
        BlockCache cache = new BlockCache(1 << 20, BLOCK_SIZE, Runnable::run);
        BlockReader reader = new BlockReader(cache, Runnable::run, 2);
        ByteBuffer whole = ByteBuffer.allocate(payload.length);
        int offset = 0;
        while (offset < payload.length) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(3000);
            int n = reader.read(file, offset, chunk);
            whole.put(chunk.flip());
            offset += n;
        }
        assertArrayEquals(expected(0, payload.length), whole.array());
        assertTrue(cache.stats().hits() > 0, "read-ahead blocks used");
    }

    @Test
    void read_atEndOfFile_returnsZero() throws IOException {
        BlockReader reader = new BlockReader(new BlockCache(1 << 20, BLOCK_SIZE, Runnable::run), Runnable::run, 0);
        assertEquals(0, reader.read(file, payload.length, ByteBuffer.allocate(100)));
    }
}
