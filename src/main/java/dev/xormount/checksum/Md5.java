package dev.xormount.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** md5 hashing of whole files with large sequential reads. */
public final class Md5 {
    /**
     * Bytes per read. Large reads keep the per-call overhead small on 10 GB shards while the
     * buffer stays small enough to allocate once per hashing thread.
     */
    public static final int READ_SIZE = 4 << 20;

    private Md5() {}

    /** Returns a new md5 digest; every JDK provides the algorithm. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides no MD5", e);
        }
    }

    /** Returns the lower-case hex form of a finished digest. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Returns the md5 of {@code bytes} in lower-case hex. */
    public static String of(byte[] bytes) {
        MessageDigest digest = newDigest();
        digest.update(bytes);
        return hex(digest);
    }

    /** Returns the md5 of the file at {@code file} in lower-case hex. */
    public static String of(Path file) throws IOException {
        return of(file, done -> { });
    }

    /**
     * Returns the md5 of the file at {@code file} in lower-case hex.
     *
     * @param progress called after each read with the bytes hashed so far
     */
    public static String of(Path file, LongConsumer progress) throws IOException {
        MessageDigest digest = newDigest();
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_SIZE);
        long done = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer.clear()) > 0) {
                buffer.flip();
                done += buffer.remaining();
                digest.update(buffer);
                progress.accept(done);
            }
        }
        return hex(digest);
    }
}
