package dev.xormount.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks with util-linux {@code fincore} that read ranges really leave the page cache. The file
 * lives under {@code target/} because tmpfs, which /tmp may be, ignores POSIX_FADV_DONTNEED.
 */
class SourcePageCacheTest {
    private static final int SIZE = 8 * (int) SourcePageCache.CHUNK + 12345;

    private Path file;

    @BeforeEach
    void writeFile() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "page-cache-test"));
        file = Files.createTempFile(dir, "source-", ".bin");
        byte[] bytes = new byte[SIZE];
        new Random(3).nextBytes(bytes);
        Files.write(file, bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(ByteBuffer.allocate(SIZE), 0);
        }
    }

    @AfterEach
    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    /** Returns the bytes of {@code file} in the page cache, as util-linux fincore reports them. */
    private static long residentBytes(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", file.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "fincore timed out");
        assertEquals(0, process.exitValue(), "fincore failed: " + output);
        return Long.parseLong(output);
    }

    @Test
    void readDone_sequentialReads_dropWholeFile() throws IOException, InterruptedException {
        SourcePageCache.enable();
        assertTrue(SourcePageCache.awaitLibC(), "libc binding failed to load");
        long before = residentBytes(file);
        assertTrue(before >= SIZE - 4096, "file not cached before the test: " + before + " bytes");

        try (SourcePageCache pages = SourcePageCache.open(file, SIZE)) {
            for (long position = 0; position < SIZE; position += 128 << 10) {
                pages.readDone(position, Math.min(128 << 10, SIZE - position));
            }
        }

        assertEquals(0, residentBytes(file), "bytes still cached after reading to the end");
    }

    @Test
    void readDone_unfinishedChunk_staysCached() throws IOException, InterruptedException {
        SourcePageCache.enable();
        assertTrue(SourcePageCache.awaitLibC(), "libc binding failed to load");

        try (SourcePageCache pages = SourcePageCache.open(file, SIZE)) {
            pages.readDone(0, SourcePageCache.CHUNK);
            pages.readDone(SourcePageCache.CHUNK, 128 << 10);
        }

        // fincore counts whole 4 KiB pages, so the file's partial last page counts as 4096 bytes.
        long expected = SIZE - SourcePageCache.CHUNK + (4096 - SIZE % 4096);
        assertEquals(expected, residentBytes(file), "bytes cached after dropping only the first chunk");
    }
}
