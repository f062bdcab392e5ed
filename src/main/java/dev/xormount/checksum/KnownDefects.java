package dev.xormount.checksum;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Recognizes the ways a downloaded model file is known to go wrong, so a checksum mismatch can
 * name its likely cause.
 */
public final class KnownDefects {
    /** Git LFS pointer files are about 130 bytes; anything this large is real data. */
    public static final int LFS_POINTER_MAX_BYTES = 1024;
    private static final byte[] LFS_POINTER_PREFIX = "version https://git-lfs".getBytes(StandardCharsets.US_ASCII);
    /** CRLF repair reads the whole file, so it is tried only on files up to this size (JSON files). */
    private static final long CRLF_CHECK_MAX_BYTES = 64L << 20;
    /** A zip's end-of-central-directory record: signature plus 18 bytes, then a comment of at most 65535 bytes. */
    private static final int ZIP_END_RECORD_BYTES = 22;
    private static final int ZIP_MAX_COMMENT = 65535;
    private static final byte[] ZIP_LOCAL_HEADER = {'P', 'K', 3, 4};
    private static final byte[] ZIP_END_SIGNATURE = {'P', 'K', 5, 6};

    private KnownDefects() {}

    /** Returns true if {@code head}, the first bytes of a file of {@code size} bytes, is a Git LFS pointer. */
    public static boolean isLfsPointer(byte[] head, long size) {
        return size <= LFS_POINTER_MAX_BYTES && startsWith(head, LFS_POINTER_PREFIX);
    }

    /** Returns true if the file at {@code file} is a Git LFS pointer instead of data. */
    public static boolean isLfsPointer(Path file) throws IOException {
        long size = Files.size(file);
        return isLfsPointer(readHead(file, LFS_POINTER_PREFIX.length), size);
    }

    /**
     * Returns true if {@code file} contains CRLF line endings and its digest with every CRLF turned
     * into LF is {@code expected}: the file was rewritten by Git or an editor on Windows.
     */
    public static boolean matchesAfterCrlfRepair(Path file, HashAlgorithm algorithm, String expected) throws IOException {
        if (Files.size(file) > CRLF_CHECK_MAX_BYTES) {
            return false;
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteArrayOutputStream repaired = new ByteArrayOutputStream(bytes.length);
        boolean sawCrlf = false;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                sawCrlf = true;
                continue;
            }
            repaired.write(bytes[i]);
        }
        return sawCrlf && Digests.of(algorithm, repaired.toByteArray()).equals(expected);
    }

    /**
     * Returns true if {@code head} starts a zip archive (as PyTorch's {@code .bin} and {@code .pth}
     * files do) but {@code tail}, the last bytes of the same file, contains no end-of-central-directory
     * record: the archive was cut short.
     *
     * @param tail the file's last {@code min(size, 65557)} bytes
     */
    public static boolean isTruncatedZip(byte[] head, byte[] tail) {
        if (!startsWith(head, ZIP_LOCAL_HEADER)) {
            return false;
        }
        for (int i = tail.length - ZIP_END_RECORD_BYTES; i >= 0; i--) {
            if (Arrays.equals(tail, i, i + 4, ZIP_END_SIGNATURE, 0, 4)) {
                return false;
            }
        }
        return true;
    }

    /** Returns how many trailing bytes {@link #isTruncatedZip} needs. */
    public static int zipTailLength(long size) {
        return (int) Math.min(size, ZIP_END_RECORD_BYTES + ZIP_MAX_COMMENT);
    }

    /** Returns true if the file at {@code file} starts as a zip archive but has no end record. */
    public static boolean isTruncatedZip(Path file) throws IOException {
        long size = Files.size(file);
        ByteBuffer tail = ByteBuffer.allocate(zipTailLength(size));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = size - tail.capacity();
            while (tail.hasRemaining() && channel.read(tail, at + tail.position()) > 0) {
                // Positional reads until the buffer is full.
            }
        }
        return isTruncatedZip(readHead(file, ZIP_LOCAL_HEADER.length), tail.array());
    }

    private static byte[] readHead(Path file, int length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(length);
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
