package dev.xormount.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import com.sun.nio.file.ExtendedOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads a real mount with many concurrent readers and a cache far smaller than the files, and
 * checks that the daemon's peak resident memory stays within the limits the launcher sets.
 */
class MemoryLimitIT {
    private static final int READERS = 16;
    private static final int ROUNDS = 20;
    /** Bytes per O_DIRECT read: a multiple of every usual block size. */
    private static final int DIRECT_READ = 128 * 1024;
    private static final long MIB = 1 << 20;
    /** The launcher's heap limit (-Xmx256m). */
    private static final long HEAP_LIMIT = 256 * MIB;
    /**
     * Allowance for the JVM's own native memory beyond heap and direct buffers: class metadata,
     * JIT code, thread stacks, GC tables and libfuse. An estimate: the whole daemon peaked at
     * 140 MiB resident in this test (OpenJDK 17, x86-64, 2 cores).
     */
    private static final long JVM_NATIVE_ALLOWANCE = 256 * MIB;

    @TempDir
    Path temp;

    @Test
    void concurrentReaders_staysWithinLauncherLimits() throws Exception {
        Map<String, String> manifest = Md5.readManifest(Repo.demoManifest());
        // 256 KiB of cache against about 1 MiB of shards, so blocks are evicted and decoded again.
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"), "--cache-size", "256K", "--block-size", "64K")) {
            long pid = mount.process().pid();
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
            // The launcher execs java, so the pid is the JVM's. Direct memory = cache (0 whole MiB) + 256 MiB.
            assertTrue(cmdline.contains("-Xmx256m"), cmdline);
            assertTrue(cmdline.contains("-XX:MaxDirectMemorySize=256m"), cmdline);
            assertTrue(cmdline.contains("-XX:+ExitOnOutOfMemoryError"), cmdline);
            long directLimit = 256 * MIB;

            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            ExecutorService readers = Executors.newFixedThreadPool(READERS);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int i = 0; i < READERS; i++) {
                    results.add(readers.submit(() -> readAll(model, manifest)));
                }
                for (Future<List<String>> result : results) {
                    assertEquals(List.of(), result.get(), "files with a wrong md5");
                }
            } finally {
                readers.shutdownNow();
            }

            assertTrue(mount.process().isAlive(), "daemon exited under load: " + mount.output());
            long peak = statusKib(pid, "VmHWM") * 1024;
            long limit = HEAP_LIMIT + directLimit + JVM_NATIVE_ALLOWANCE;
            assertTrue(peak < limit, "peak RSS " + peak / MIB + " MiB over " + limit / MIB + " MiB");
            System.out.println("MemoryLimitIT: daemon peak RSS " + peak / MIB + " MiB, limit " + limit / MIB + " MiB");
        }
    }

    /** Reads every decoded file {@link #ROUNDS} times and returns the names whose md5 was wrong. */
    private static List<String> readAll(Path model, Map<String, String> manifest) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, String> entry : manifest.entrySet()) {
                if (!md5Direct(model.resolve(entry.getKey())).equals(entry.getValue())) {
                    wrong.add(entry.getKey());
                }
            }
        }
        return wrong;
    }

    /**
     * Returns the md5 of {@code file} read with O_DIRECT, which bypasses the kernel's page cache,
     * so every read reaches the daemon instead of pages cached by an earlier round.
     */
    private static String md5Direct(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("MD5");
        int alignment = (int) Files.getFileStore(file).getBlockSize();
        ByteBuffer buffer = ByteBuffer.allocateDirect(DIRECT_READ + alignment).alignedSlice(alignment);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            long position = 0;
            while (true) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                buffer.flip();
                digest.update(buffer);
                position += n;
                if (n < buffer.capacity()) {
                    break; // a short read ends the file; the next position would not be aligned
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Returns a "kB" field of /proc/PID/status, such as VmHWM (peak resident set size). */
    private static long statusKib(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(field + " missing from /proc/" + pid + "/status");
    }
}
