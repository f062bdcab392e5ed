package dev.xormount.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Builds, copies and lists small base and payload folders for tests, and decodes them with a plain reference. */
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
     * Copies the files directly in {@code source} into {@code target}, creating it, with their
     * permissions and times, and returns {@code target}. A sub-folder becomes an empty folder.
     */
    public static Path copyFolder(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return target;
    }

    /** Returns the sorted names of the entries directly in {@code folder} whose name does not start with '.'. */
    public static List<String> visibleFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /**
     * Decodes with the rule written as plainly as possible, one byte at a time. The result has the
     * payload's length, and byte i is payload[i] ^ base[i] while the base has byte i, else payload[i].
     */
    public static byte[] referenceDecode(byte[] payload, byte[] base) {
        byte[] out = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            out[i] = i < base.length ? (byte) (payload[i] ^ base[i]) : payload[i];
        }
        return out;
    }
}
