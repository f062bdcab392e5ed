package dev.xormount.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** Hashing of byte arrays and whole files with large positional reads, for every command. */
public final class Digests {
    /**
     * Bytes per read. Large reads keep the per-call overhead small on 10 GB shards while the
     * buffer stays small enough to allocate once per hashing thread.
     */
    public static final int READ_SIZE = 4 << 20;

    private Digests() {}

    /** Returns the lower-case hex form of a finished digest. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Returns the digest of {@code bytes} in lower-case hex. */
    public static String of(HashAlgorithm algorithm, byte[] bytes) {
        MessageDigest digest = algorithm.newDigest();
        digest.update(bytes);
        return hex(digest);
    }

    /** Returns the digest of the file at {@code file} in lower-case hex. */
    public static String ofFile(HashAlgorithm algorithm, Path file) throws IOException {
        return ofFile(algorithm, file, ByteBuffer.allocateDirect(READ_SIZE), done -> { });
    }

    /**
     * Returns the digest of the file at {@code file} in lower-case hex.
     *
     * @param buffer scratch space for the reads, of any capacity; its content is overwritten
     * @param progress called after each read with the bytes hashed so far
     */
    public static String ofFile(HashAlgorithm algorithm, Path file, ByteBuffer buffer, LongConsumer progress) throws IOException {
        MessageDigest digest = algorithm.newDigest();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            update(digest, channel, 0, Long.MAX_VALUE, buffer, progress);
        }
        return hex(digest);
    }

    /**
     * Adds the bytes of {@code channel} from {@code position} up to {@code end} or the end of the
     * file, whichever comes first, to {@code digest}.
     *
     * @param progress called after each read with the bytes added so far by this call
     */
    public static void update(MessageDigest digest, FileChannel channel, long position, long end, ByteBuffer buffer,
                              LongConsumer progress) throws IOException {
        long at = position;
        while (at < end) {
            buffer.clear();
            if (end - at < buffer.capacity()) {
                buffer.limit((int) (end - at));
            }
            int n = channel.read(buffer, at);
            if (n < 0) {
                return;
            }
            buffer.flip();
            digest.update(buffer);
            at += n;
            progress.accept(at - position);
        }
    }
}
