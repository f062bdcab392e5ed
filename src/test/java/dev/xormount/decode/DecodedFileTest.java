package dev.xormount.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecodedFileTest {
    @TempDir
    Path temp;

    /** Base lengths relative to a payload of 10,000 bytes: empty, shorter, equal, longer. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 4095, 9999, 10_000, 10_001, 20_000})
    void read_wholeFile_matchesReference(int baseLength) throws IOException {
        Random random = new Random(baseLength);
        byte[] payload = Trees.writeRandom(temp.resolve("p"), 10_000, random);
        byte[] base = Trees.writeRandom(temp.resolve("b"), baseLength, random);
        try (DecodedFile file = open("p", "b")) {
            assertEquals(10_000, file.size());
            assertArrayEquals(Trees.referenceDecode(payload, base), readRange(file, 0, 10_000, true));
        }
    }

    @Test
    void read_randomRanges_matchReference() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int payloadLength = random.nextInt(50_000);
            int baseLength = switch (round % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(payloadLength + 1);
                case 2 -> payloadLength;
                default -> payloadLength + random.nextInt(10_000);
            };
            byte[] payload = Trees.writeRandom(temp.resolve("p" + round), payloadLength, random);
            byte[] base = Trees.writeRandom(temp.resolve("b" + round), baseLength, random);
            byte[] expected = Trees.referenceDecode(payload, base);
            try (DecodedFile file = open("p" + round, "b" + round)) {
                for (int i = 0; i < 20; i++) {
                    int from = payloadLength == 0 ? 0 : random.nextInt(payloadLength);
                    int length = random.nextInt(payloadLength - from + 1);
                    assertArrayEquals(Arrays.copyOfRange(expected, from, from + length),
                            readRange(file, from, length, random.nextBoolean()),
                            "round " + round + " range " + from + "+" + length + " base " + baseLength + " payload " + payloadLength);
                }
            }
        }
    }

    @Test
    void read_plainFile_returnsPayloadBytes() throws IOException {
        byte[] payload = Trees.writeRandom(temp.resolve("added_tokens.json"), 300, new Random(1));
        try (DecodedFile file = new DecodedFile("added_tokens.json", SourceFile.inspect(temp.resolve("added_tokens.json")), null)) {
            assertArrayEquals(payload, readRange(file, 0, 300, false));
        }
    }

    @Test
    void read_pastEnd_isRejected() throws IOException {
        Trees.writeRandom(temp.resolve("p"), 100, new Random(2));
        Trees.writeRandom(temp.resolve("b"), 100, new Random(3));
        try (DecodedFile file = open("p", "b")) {
            assertThrows(IllegalArgumentException.class, () -> file.read(90, ByteBuffer.allocate(11)));
            assertThrows(IllegalArgumentException.class, () -> file.read(-1, ByteBuffer.allocate(1)));
        }
    }

    @Test
    void read_baseTruncatedAfterOpen_failsInsteadOfPadding() throws IOException {
        Trees.writeRandom(temp.resolve("p"), 8192, new Random(4));
        Trees.writeRandom(temp.resolve("b"), 8192, new Random(5));
        try (DecodedFile file = open("p", "b")) {
            try (FileChannel channel = FileChannel.open(temp.resolve("b"), StandardOpenOption.WRITE)) {
                channel.truncate(4096);
            }
            IOException failure = assertThrows(IOException.class, () -> file.read(4000, ByteBuffer.allocate(1000)));
            assertEquals(true, failure.getMessage().contains("changed on disk"), failure.getMessage());
        }
    }

    @Test
    void read_baseReplacedByRename_keepsServingOpenedFile() throws IOException {
        byte[] payload = Trees.writeRandom(temp.resolve("p"), 5000, new Random(6));
        byte[] base = Trees.writeRandom(temp.resolve("b"), 5000, new Random(7));
        try (DecodedFile file = open("p", "b")) {
            Trees.writeRandom(temp.resolve("b.new"), 5000, new Random(8));
            Files.move(temp.resolve("b.new"), temp.resolve("b"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertArrayEquals(Trees.referenceDecode(payload, base), readRange(file, 0, 5000, true));
        }
    }

    private DecodedFile open(String payload, String base) throws IOException {
        return new DecodedFile(payload, SourceFile.inspect(temp.resolve(payload)), SourceFile.inspect(temp.resolve(base)));
    }

    private static byte[] readRange(DecodedFile file, long from, int length, boolean direct) throws IOException {
        ByteBuffer target = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        file.read(from, target);
        assertEquals(length, target.position());
        byte[] out = new byte[length];
        target.flip().get(out);
        return out;
    }
}
