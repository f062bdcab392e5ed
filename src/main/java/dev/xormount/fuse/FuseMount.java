package dev.xormount.fuse;

import dev.xormount.UserException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running FUSE mount: starts libfuse's multithreaded loop on its own thread, reports when the
 * kernel has connected, and unmounts.
 */
public final class FuseMount implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FuseMount.class);

    private final XorFilesystem filesystem;
    private final Path mountpoint;
    private final CompletableFuture<Void> loopEnded = new CompletableFuture<>();
    private volatile boolean unmounted;

    private FuseMount(XorFilesystem filesystem, Path mountpoint) {
        this.filesystem = filesystem;
        this.mountpoint = mountpoint;
    }

    /**
     * Mounts {@code filesystem} at {@code mountpoint} and returns once it serves requests.
     *
     * @param options libfuse options, joined into one {@code -o} argument
     * @param timeout how long to wait for the kernel to connect
     * @throws UserException if libfuse fails to mount or the kernel does not connect in time
     */
    public static FuseMount start(XorFilesystem filesystem, Path mountpoint, List<String> options, boolean debug,
                                  Duration timeout) {
        FuseMount mount = new FuseMount(filesystem, mountpoint);
        String[] args = options.isEmpty() ? new String[0] : new String[] {"-o", String.join(",", options)};
        Thread loop = new Thread(() -> {
            try {
                // Blocks in fuse_main_real until the file system is unmounted.
                filesystem.mount(mountpoint, true, debug, args);
                mount.loopEnded.complete(null);
            } catch (Throwable t) {
                mount.loopEnded.completeExceptionally(t);
            }
        }, "fuse-loop");
        loop.setDaemon(true);
        loop.start();
        try {
            CompletableFuture.anyOf(filesystem.initialized(), mount.loopEnded).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            MountTable.unmount(mountpoint, true);
            throw new UserException("the kernel did not connect to the mount at " + mountpoint + " within "
                    + timeout.toSeconds() + " s; check 'dmesg' for FUSE errors and retry");
        } catch (ExecutionException e) {
            throw new UserException("mounting at " + mountpoint + " failed (" + e.getCause().getMessage()
                    + "); libfuse's reason is in the line above or in the log file", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while mounting at " + mountpoint, e);
        }
        if (!filesystem.initialized().isDone()) {
            throw new UserException("libfuse could not mount at " + mountpoint
                    + "; its reason is in the line above or in the log file");
        }
        return mount;
    }

    public Path mountpoint() {
        return mountpoint;
    }

    /** Blocks until the mount is gone, whether unmounted by {@link #close()} or from outside. */
    public void awaitUnmounted() throws InterruptedException {
        try {
            loopEnded.get();
        } catch (ExecutionException e) {
            log.warn("The FUSE loop for {} ended with an error: {}", mountpoint, e.getCause().toString());
        }
    }

    private boolean isStillMounted() {
        try {
            return MountTable.find(mountpoint).isPresent();
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** Returns true once the FUSE loop has ended. */
    public boolean isUnmounted() {
        return loopEnded.isDone();
    }

    /**
     * Unmounts and waits up to 10 s for the FUSE loop to end. When files are still open
     * ("Device or resource busy"), the mount is detached lazily: it disappears from the tree now and
     * the kernel drops it when the last file is closed.
     */
    @Override
    public void close() {
        if (unmounted || loopEnded.isDone()) {
            unmounted = true;
            return;
        }
        unmounted = true;
        String error = MountTable.unmount(mountpoint, false);
        if (error != null && !isStillMounted()) {
            // jnr-fuse's own shutdown hook detaches the mount on SIGTERM too; whichever runs first wins.
            error = null;
        }
        if (error != null) {
            log.warn("Unmounting {} failed ({}); detaching it lazily instead", mountpoint, error);
            error = MountTable.unmount(mountpoint, true);
            if (error != null) {
                log.error("Lazy unmount of {} failed too: {}", mountpoint, error);
            }
        }
        try {
            loopEnded.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("The FUSE loop for {} did not stop within 10 s after unmounting", mountpoint);
        } catch (ExecutionException e) {
            log.debug("The FUSE loop for {} ended with an error", mountpoint, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
