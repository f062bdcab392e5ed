package dev.xormount.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockCacheTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path temp;

    @Test
    void cache_manyBlocks_staysWithinByteBound() throws IOException {
        try (DecodedFile file = file(100 * BLOCK)) {
            BlockCache cache = new BlockCache(8 * BLOCK, BLOCK, Runnable::run);
            for (long index = 0; index < 100; index++) {
                cache.block(file, index);
                assertTrue(cache.stats().bytesCached() <= 8 * BLOCK, "bytes cached after block " + index);
            }
            assertEquals(100, cache.stats().misses());
            assertTrue(cache.stats().evictions() >= 92, "evictions " + cache.stats().evictions());
        }
    }

    @Test
    void block_concurrentRequestsDuringLoad_loadOnce() throws Exception {
        CountDownLatch loadStarted = new CountDownLatch(1);
        CountDownLatch releaseLoad = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        BlockCache.Loader slow = (file, position, target) -> {
            loads.incrementAndGet();
            loadStarted.countDown();
            await(releaseLoad);
            file.read(position, target);
        };
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (DecodedFile file = file(BLOCK)) {
            BlockCache cache = new BlockCache(4 * BLOCK, BLOCK, Runnable::run, slow);
            List<Future<ByteBuffer>> results = new ArrayList<>();
            results.add(pool.submit(() -> cache.block(file, 0)));
            assertTrue(loadStarted.await(10, TimeUnit.SECONDS), "first load started");
            for (int i = 0; i < 7; i++) {
                results.add(pool.submit(() -> cache.block(file, 0)));
            }
            // Give the waiters time to reach the in-flight load; the counts below hold either way.
            Thread.sleep(100);
            releaseLoad.countDown();
            ByteBuffer first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<ByteBuffer> result : results) {
                assertSame(first, result.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, loads.get(), "loads");
            assertEquals(1, cache.stats().misses());
            assertEquals(7, cache.stats().hits());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void block_failedLoad_isNotCached() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        BlockCache.Loader failsOnce = (file, position, target) -> {
            if (calls.getAndIncrement() == 0) {
                throw new IOException("disk went away");
            }
            file.read(position, target);
        };
        try (DecodedFile file = file(BLOCK)) {
            BlockCache cache = new BlockCache(4 * BLOCK, BLOCK, Runnable::run, failsOnce);
            IOException failure = assertThrows(IOException.class, () -> cache.block(file, 0));
            assertEquals("disk went away", failure.getMessage());
            assertEquals(BLOCK, cache.block(file, 0).limit(), "second request loads again and succeeds");
            assertEquals(2, calls.get());
            assertEquals(1, cache.stats().loadFailures());
        }
    }

    @Test
    void block_indexOutsideFile_throws() throws IOException {
        try (DecodedFile file = file(BLOCK + 1)) {
            BlockCache cache = new BlockCache(4 * BLOCK, BLOCK, Runnable::run);
            assertEquals(1, cache.block(file, 1).limit(), "last block holds the one remaining byte");
            assertThrows(IndexOutOfBoundsException.class, () -> cache.block(file, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> cache.block(file, -1));
        }
    }

    @Test
    void constructor_cacheSmallerThanBlock_throws() {
        assertThrows(IllegalArgumentException.class, () -> new BlockCache(BLOCK - 1, BLOCK, Runnable::run));
        assertThrows(IllegalArgumentException.class, () -> new BlockCache(BLOCK, 1024, Runnable::run));
    }

    private DecodedFile file(int size) throws IOException {
        Random random = new Random(size);
        Trees.writeRandom(temp.resolve("p"), size, random);
        Trees.writeRandom(temp.resolve("b"), size / 2, random);
        return new DecodedFile("p", SourceFile.inspect(temp.resolve("p")), SourceFile.inspect(temp.resolve("b")));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
