package dev.xormount.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes daemon threads that yield the CPU to every other thread of the machine, for background
 * work such as the audit.
 *
 * <p>Java thread priorities have no effect on Linux by default, so each thread also sets its own
 * nice value to 19 with {@code setpriority(PRIO_PROCESS, tid, 19)}, which on Linux applies to that
 * thread only. When that fails (another OS, no native POSIX), the thread runs at normal priority
 * and only the audit's rate cap limits it.
 */
public final class LowPriorityThreads implements ThreadFactory {
    private static final Logger log = LoggerFactory.getLogger(LowPriorityThreads.class);
    private static final int PRIO_PROCESS = 0;
    private static final int LOWEST_NICE = 19;

    private final String name;

    public LowPriorityThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(() -> {
            lowerNice();
            runnable.run();
        }, name);
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        return thread;
    }

    private static void lowerNice() {
        try {
            // "/proc/thread-self" links to "<pid>/task/<tid>" for the calling thread (Linux 3.17+).
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            int tid = Integer.parseInt(self.getFileName().toString());
            POSIX posix = POSIXFactory.getNativePOSIX();
            if (posix.setpriority(PRIO_PROCESS, tid, LOWEST_NICE) != 0) {
                log.debug("setpriority for thread {} failed with errno {}", tid, posix.errno());
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            log.debug("Could not lower the nice value of the audit thread: {}", e.toString());
        }
    }
}
