package dev.xormount.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The XOR kernel: combines two byte ranges in place, eight bytes at a time. */
public final class Xor {
    private Xor() {}

    /**
     * XORs {@code length} bytes of {@code source}, starting at its index {@code sourceIndex}, into
     * {@code target} starting at its index {@code targetIndex}. Positions and limits of both buffers
     * are left unchanged.
     *
     * <p>Works on any buffers, heap or direct; direct buffers in native byte order take the fast
     * path, where the JIT turns each {@code getLong}/{@code putLong} into a single unaligned
     * 8-byte access.
     *
     * @throws IndexOutOfBoundsException if a range lies outside its buffer
     */
    public static void xorInto(ByteBuffer target, int targetIndex, ByteBuffer source, int sourceIndex, int length) {
        if (length < 0
                || targetIndex < 0 || targetIndex > target.limit() - length
                || sourceIndex < 0 || sourceIndex > source.limit() - length) {
            throw new IndexOutOfBoundsException("xor range outside buffer: target " + targetIndex
                    + ", source " + sourceIndex + ", length " + length);
        }
        // Lanes are read in native order on both sides, so the byte order cancels out. A buffer in
        // the other order is duplicated with native order instead of being rejected.
        ByteBuffer t = target.order() == ByteOrder.nativeOrder() ? target : target.duplicate().order(ByteOrder.nativeOrder());
        ByteBuffer s = source.order() == ByteOrder.nativeOrder() ? source : source.duplicate().order(ByteOrder.nativeOrder());
        int i = 0;
        int lanes = length & ~7;
        for (; i < lanes; i += 8) {
            t.putLong(targetIndex + i, t.getLong(targetIndex + i) ^ s.getLong(sourceIndex + i));
        }
        for (; i < length; i++) {
            t.put(targetIndex + i, (byte) (t.get(targetIndex + i) ^ s.get(sourceIndex + i)));
        }
    }
}
