package dev.xormount.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlockReaderTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path temp;

    /** Payload sizes around block multiples, each against a shorter and a longer base. */
    @ParameterizedTest
    @CsvSource({"1,0", "4095,4096", "4096,100", "4097,8192", "12288,12287", "12289,5000", "40000,40000"})
    void read_randomRangesAcrossBlocks_matchReference(int payloadLength, int baseLength) throws IOException {
        Random random = new Random(payloadLength * 31L + baseLength);
        byte[] payload = Trees.writeRandom(temp.resolve("p"), payloadLength, random);
        byte[] base = Trees.writeRandom(temp.resolve("b"), baseLength, random);
        byte[] expected = Trees.referenceDecode(payload, base);
        try (DecodedFile file = open()) {
            BlockReader reader = new BlockReader(new BlockCache(3 * BLOCK, BLOCK, Runnable::run), Runnable::run, 2);
            for (int i = 0; i < 300; i++) {
                int from = random.nextInt(payloadLength);
                int want = 1 + random.nextInt(3 * BLOCK);
                byte[] actual = read(reader, file, from, want);
                int end = Math.min(payloadLength, from + want);
                assertArrayEquals(Arrays.copyOfRange(expected, from, end), actual, "range " + from + "+" + want);
            }
        }
    }

    @Test
    void read_atOrPastEnd_returnsZero() throws IOException {
        Trees.writeRandom(temp.resolve("p"), 5000, new Random(1));
        Trees.writeRandom(temp.resolve("b"), 5000, new Random(2));
        try (DecodedFile file = open()) {
            BlockReader reader = new BlockReader(new BlockCache(2 * BLOCK, BLOCK, Runnable::run), Runnable::run, 0);
            assertEquals(0, reader.read(file, 5000, ByteBuffer.allocate(10)));
            assertEquals(0, reader.read(file, 1L << 40, ByteBuffer.allocate(10)));
        }
    }

    @Test
    void read_lastPartialBlock_returnsShortCount() throws IOException {
        byte[] payload = Trees.writeRandom(temp.resolve("p"), BLOCK + 10, new Random(3));
        byte[] base = Trees.writeRandom(temp.resolve("b"), 3, new Random(4));
        try (DecodedFile file = open()) {
            BlockReader reader = new BlockReader(new BlockCache(2 * BLOCK, BLOCK, Runnable::run), Runnable::run, 0);
            ByteBuffer target = ByteBuffer.allocate(BLOCK);
            assertEquals(15, reader.read(file, BLOCK - 5, target));
            byte[] expected = Arrays.copyOfRange(Trees.referenceDecode(payload, base), BLOCK - 5, BLOCK + 10);
            assertArrayEquals(expected, Arrays.copyOf(target.array(), 15));
        }
    }

    @Test
    void read_sequential_prefetchesFollowingBlocks() throws IOException {
        Trees.writeRandom(temp.resolve("p"), 10 * BLOCK, new Random(5));
        Trees.writeRandom(temp.resolve("b"), 10 * BLOCK, new Random(6));
        try (DecodedFile file = open()) {
            BlockCache cache = new BlockCache(10 * BLOCK, BLOCK, Runnable::run);
            BlockReader reader = new BlockReader(cache, Runnable::run, 3);
            reader.read(file, 0, ByteBuffer.allocate(BLOCK));
            reader.read(file, BLOCK, ByteBuffer.allocate(BLOCK));
            // Blocks 0 and 1 decode straight into the target; the second, sequential read queues
            // blocks 2..4 into the cache, so reading them now only hits.
            long missesBefore = cache.stats().misses();
            assertEquals(3, missesBefore, "blocks 2 to 4 read ahead");
            reader.read(file, 2 * BLOCK, ByteBuffer.allocate(3 * BLOCK));
            assertEquals(missesBefore + 3, cache.stats().misses(), "blocks 2 to 4 hit; 5 to 7 are read ahead now");
        }
    }

    private DecodedFile open() throws IOException {
        return new DecodedFile("p", SourceFile.inspect(temp.resolve("p")), SourceFile.inspect(temp.resolve("b")));
    }

    private static byte[] read(BlockReader reader, DecodedFile file, long from, int length) throws IOException {
        ByteBuffer target = ByteBuffer.allocateDirect(length);
        int n = reader.read(file, from, target);
        byte[] out = new byte[n];
        target.flip().get(out);
        return out;
    }
}
