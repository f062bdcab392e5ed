package dev.xormount.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XorTest {
    @Test
    void xorInto_unalignedOffsetsAndTails_matchBytewise() {
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            int length = random.nextInt(100);
            int targetIndex = random.nextInt(9);
            int sourceIndex = random.nextInt(9);
            byte[] target = new byte[targetIndex + length + random.nextInt(5)];
            byte[] source = new byte[sourceIndex + length + random.nextInt(5)];
            random.nextBytes(target);
            random.nextBytes(source);
            byte[] expected = target.clone();
            for (int i = 0; i < length; i++) {
                expected[targetIndex + i] ^= source[sourceIndex + i];
            }
            ByteBuffer t = direct(target, round % 2 == 0 ? ByteOrder.nativeOrder() : ByteOrder.BIG_ENDIAN);
            ByteBuffer s = round % 3 == 0 ? ByteBuffer.wrap(source) : direct(source, ByteOrder.nativeOrder());
            Xor.xorInto(t, targetIndex, s, sourceIndex, length);
            byte[] actual = new byte[target.length];
            t.get(0, actual);
            assertArrayEquals(expected, actual, "round " + round);
            assertEquals(0, t.position(), "target position unchanged");
        }
    }

    @Test
    void xorInto_rangeOutsideBuffer_throws() {
        ByteBuffer small = ByteBuffer.allocate(8);
        assertThrows(IndexOutOfBoundsException.class, () -> Xor.xorInto(small, 4, ByteBuffer.allocate(16), 0, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> Xor.xorInto(ByteBuffer.allocate(16), 0, small, 4, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> Xor.xorInto(small, 0, small, 0, -1));
    }

    private static ByteBuffer direct(byte[] data, ByteOrder order) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(data.length).order(order);
        buffer.put(0, data);
        return buffer;
    }
}
