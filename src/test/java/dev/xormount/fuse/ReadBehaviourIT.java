package dev.xormount.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads through a real mount of the demo model with 4 KiB blocks, so most reads cross blocks. */
class ReadBehaviourIT {
    private static final String SHARD = "pytorch_model-00001-of-00003.bin";

    @TempDir
    Path temp;
    MountedXormount mount;
    Path model;

    @BeforeEach
    void mountDemo() throws Exception {
        mount = MountedXormount.demo(temp.resolve("mnt"), "--block-size", "4K", "--cache-size", "64K");
        model = mount.mountpoint().resolve("tiny-llama-sft");
    }

    @AfterEach
    void unmount() throws Exception {
        mount.close();
    }

    @Test
    void eightThreads_randomRanges_matchFinetune() throws Exception {
        List<String> names;
        try (var files = Files.list(Repo.demoFinetuned())) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                long seed = thread;
                results.add(pool.submit(() -> {
                    readRandomRanges(names, new Random(seed));
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void readRandomRanges(List<String> names, Random random) throws IOException {
        for (int i = 0; i < 200; i++) {
            String name = names.get(random.nextInt(names.size()));
            byte[] expected = Files.readAllBytes(Repo.demoFinetuned().resolve(name));
            int from = random.nextInt(expected.length);
            int length = 1 + random.nextInt(Math.min(expected.length - from, 300_000));
            try (FileChannel channel = FileChannel.open(model.resolve(name), StandardOpenOption.READ)) {
                ByteBuffer target = ByteBuffer.allocate(length);
                while (target.hasRemaining()) {
                    if (channel.read(target, from + target.position()) < 0) {
                        break;
                    }
                }
                assertArrayEquals(Arrays.copyOfRange(expected, from, from + length), target.array(),
                        name + " range " + from + "+" + length);
            }
        }
    }

    @Test
    void read_atAndPastEnd_returnsNothing() throws IOException {
        Path shard = model.resolve(SHARD);
        long size = Files.size(shard);
        try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ)) {
            assertEquals(-1, channel.read(ByteBuffer.allocate(10), size));
            assertEquals(-1, channel.read(ByteBuffer.allocate(10), size + 12345));
            ByteBuffer tail = ByteBuffer.allocate(100);
            assertEquals(7, channel.read(tail, size - 7));
        }
    }

    @Test
    void mmap_wholeShard_matchesFinetune() throws IOException {
        byte[] expected = Files.readAllBytes(Repo.demoFinetuned().resolve(SHARD));
        try (FileChannel channel = FileChannel.open(model.resolve(SHARD), StandardOpenOption.READ)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            byte[] actual = new byte[expected.length];
            mapped.get(actual);
            assertArrayEquals(expected, actual);
        }
    }

    @Test
    void writes_failWithReadOnlyFileSystem() throws IOException {
        Path shard = model.resolve(SHARD);
        assertReadOnly(() -> Files.write(shard, new byte[] {1}, StandardOpenOption.WRITE));
        assertReadOnly(() -> new RandomAccessFile(shard.toFile(), "rw").close());
        assertReadOnly(() -> Files.writeString(model.resolve("new.txt"), "x"));
        assertReadOnly(() -> Files.createDirectory(model.resolve("newdir")));
        assertReadOnly(() -> Files.delete(shard));
        assertReadOnly(() -> Files.move(shard, model.resolve("renamed.bin")));
        assertReadOnly(() -> Files.setPosixFilePermissions(shard, Set.of(PosixFilePermission.OWNER_WRITE)));
        assertReadOnly(() -> Files.createSymbolicLink(model.resolve("link"), shard));
        assertReadOnly(() -> Files.setLastModifiedTime(shard, java.nio.file.attribute.FileTime.fromMillis(0)));
        for (Path path : List.of(shard, model, mount.mountpoint())) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            assertTrue(permissions.stream().noneMatch(p -> p.name().endsWith("WRITE")), path + " has " + permissions);
        }
        assertEquals(Md5.readManifest(Repo.demoManifest()).get(SHARD), Md5.of(shard), "shard unchanged");
    }

    private static void assertReadOnly(ThrowingAction action) {
        IOException error = assertThrows(IOException.class, action::run);
        assertTrue(error.getMessage().contains("Read-only file system"), error.toString());
    }

    @FunctionalInterface
    interface ThrowingAction {
        void run() throws IOException;
    }
}
