package dev.xormount.decode;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.LibraryLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops byte ranges of one source file from the kernel page cache once they are decoded, with
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)} through jnr-ffi.
 *
 * <p>Without it, reading a decoded file leaves three copies in the page cache: the payload, the
 * base and the decoded pages the kernel keeps for the mount. The advice works on the file, not on
 * the descriptor, so this class opens its own read-only descriptor next to the FileChannel that
 * does the reading. Dropping is best effort: when libc cannot be loaded, the file cannot be opened
 * or the call fails, reads go on unchanged and the failure is logged once per file.
 *
 * <p>Binding libc with jnr-ffi takes a few hundred milliseconds, so it runs on a background thread
 * started with the first instance, and a mount serves its first bytes without waiting for it.
 * Reads finished before the binding is ready drop nothing, but the first drop afterwards also
 * drops every chunk before the current one.
 *
 * <p>NOTE: pages are dropped even when another process had them cached, so a later plain read of
 * the same source file goes to the disk again.
 */
final class SourcePageCache implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(SourcePageCache.class);

    /** Linux value of POSIX_FADV_DONTNEED in {@code <fcntl.h>}. */
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    /**
     * Bytes dropped at a time, aligned to their size. The kernel drops only whole folios. A file's
     * page cache is made of naturally aligned folios of up to 2 MiB (the PMD size on x86-64 with
     * 4 KiB pages), so advice on each 128 KiB request dropped nothing (Linux 6.18, ext4).
     * NOTE: with larger folios (for example arm64 with 64 KiB pages) chunks may stay cached.
     */
    static final long CHUNK = 2 << 20;

    /** The few libc functions used here; jnr-ffi binds them by name. */
    public interface LibC {
        int open(String path, int flags);

        int close(int fd);

        /** Returns 0 or an errno value; it does not set errno. */
        int posix_fadvise(int fd, long offset, long length, int advice);
    }

    /**
     * Completes with the bound libc, or with null when it cannot be loaded or dropping is not
     * enabled. Until {@link #enable()} is called nothing loads jnr-ffi, so {@code decode} runs
     * where no native library can be loaded.
     */
    private static volatile CompletableFuture<LibC> binding = CompletableFuture.completedFuture(null);
    private static final AtomicBoolean ENABLED = new AtomicBoolean();
    private static final int NOT_OPENED = -2;

    private final Path path;
    private final long size;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The advice descriptor: NOT_OPENED until the first drop, -1 when opening failed. */
    private volatile int fd = NOT_OPENED;
    private volatile boolean caughtUp;
    private volatile boolean failed;

    private SourcePageCache(Path path, long size) {
        this.path = path;
        this.size = size;
    }

    /** Starts binding libc in the background, so that sources opened from now on drop their pages. */
    static void enable() {
        if (ENABLED.compareAndSet(false, true)) {
            binding = loadLibCInBackground();
        }
    }

    /** Returns the page cache dropper for {@code path}, a file of {@code size} bytes. */
    static SourcePageCache open(Path path, long size) {
        return new SourcePageCache(path, size);
    }

    /**
     * Records that bytes {@code [position, position + length)} were read, and drops every chunk
     * this range completes: each aligned chunk whose end lies in {@code (position, position +
     * length]}, and the last partial chunk when the range reaches the end of the file. A sequential
     * reader drops each chunk once; a random reader leaves chunks it never finishes cached.
     */
    void readDone(long position, long length) {
        LibC libc = binding.getNow(null);
        if (libc == null || failed || closed.get() || length <= 0) {
            return;
        }
        int descriptor = descriptor(libc);
        if (descriptor < 0) {
            return;
        }
        if (!caughtUp) {
            caughtUp = true;
            long before = position - position % CHUNK;
            if (before > 0) {
                advise(libc, descriptor, 0, before);
            }
        }
        long end = position + length;
        for (long chunkEnd = (position / CHUNK + 1) * CHUNK; chunkEnd <= end; chunkEnd += CHUNK) {
            advise(libc, descriptor, chunkEnd - CHUNK, CHUNK);
        }
        if (end == size && end % CHUNK != 0) {
            long tailStart = end - end % CHUNK;
            advise(libc, descriptor, tailStart, end - tailStart);
        }
    }

    /** Waits until the libc binding is loaded; returns false when it cannot be loaded. */
    static boolean awaitLibC() {
        return binding.join() != null;
    }

    private int descriptor(LibC libc) {
        int current = fd;
        if (current != NOT_OPENED) {
            return current;
        }
        synchronized (this) {
            if (fd == NOT_OPENED && !closed.get()) {
                fd = libc.open(path.toString(), O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                    log.warn("Opening {} for posix_fadvise failed; its pages stay in the page cache after decoding", path);
                }
            }
            return fd;
        }
    }

    private void advise(LibC libc, int descriptor, long offset, long length) {
        int error = libc.posix_fadvise(descriptor, offset, length, POSIX_FADV_DONTNEED);
        if (error != 0 && !failed) {
            failed = true;
            log.warn("posix_fadvise(DONTNEED) on {} failed with errno {}; its pages stay in the page cache", path, error);
        }
    }

    /** Closes the descriptor once; a second call does nothing, so it never closes a reused number. */
    @Override
    public synchronized void close() {
        if (closed.compareAndSet(false, true) && fd >= 0) {
            binding.join().close(fd);
        }
    }

    private static CompletableFuture<LibC> loadLibCInBackground() {
        CompletableFuture<LibC> future = new CompletableFuture<>();
        Thread loader = new Thread(() -> future.complete(loadLibC()), "libc-loader");
        loader.setDaemon(true);
        loader.start();
        return future;
    }

    private static LibC loadLibC() {
        try {
            return LibraryLoader.create(LibC.class).load("c");
        } catch (LinkageError | RuntimeException e) {
            log.warn("Loading libc for posix_fadvise failed ({}); source pages stay in the page cache after decoding", e.toString());
            return null;
        }
    }
}
