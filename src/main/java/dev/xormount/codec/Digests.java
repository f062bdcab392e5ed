package dev.xormount.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Hashing helpers shared by decode and encode. */
final class Digests {
    private Digests() {}

    /** Hashes the whole of {@code file} with {@code algorithm} ("MD5", "SHA-256") and returns lowercase hex. */
    static String ofFile(Path file, String algorithm, ByteBuffer buffer) throws IOException {
        MessageDigest digest = ChecksumManifest.newDigest(algorithm);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            updateFrom(channel, 0, Long.MAX_VALUE, digest, buffer);
        }
        return hex(digest);
    }

    /**
     * Adds the bytes of {@code channel} from {@code position} up to {@code end} or the end of the
     * file, whichever comes first, to {@code digest}.
     */
    static void updateFrom(FileChannel channel, long position, long end, MessageDigest digest, ByteBuffer buffer) throws IOException {
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
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
