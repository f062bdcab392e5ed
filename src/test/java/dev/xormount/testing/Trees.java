package dev.xormount.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Builds small base and payload files for tests, and decodes them with a plain reference. */
public final class Trees {
    private Trees() {}

    /** Writes {@code size} seeded random bytes to {@code file}, creating parent folders. */
    public static byte[] writeRandom(Path file, int size, Random random) throws IOException {
        byte[] data = new byte[size];
        random.nextBytes(data);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, data);
        return data;
    }

    /**
     * The decode rule written as plainly as possible, one byte at a time: the result has the
     * payload's length; byte i is payload[i] ^ base[i] while the base has byte i, else payload[i].
     */
    public static byte[] referenceDecode(byte[] payload, byte[] base) {
        byte[] out = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            out[i] = i < base.length ? (byte) (payload[i] ^ base[i]) : payload[i];
        }
        return out;
    }
}
