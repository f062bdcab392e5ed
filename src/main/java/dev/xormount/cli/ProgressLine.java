package dev.xormount.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Prints the progress of long work to standard error every few seconds: at once when standard
 * output or error is a terminal (a person is watching), else only after {@link #QUIET_SECONDS},
 * so short runs in scripts and tests print nothing.
 */
final class ProgressLine implements AutoCloseable {
    private static final long PERIOD_SECONDS = 2;
    private static final long QUIET_SECONDS = 10;

    private final PrintWriter err;
    private final long total;
    private final LongSupplier done;
    private final long started = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private final ScheduledExecutorService timer;
    private boolean printed;

    ProgressLine(PrintWriter err, long totalBytes, LongSupplier bytesDone) {
        this.err = err;
        this.total = totalBytes;
        this.done = bytesDone;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::print, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized void print() {
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!terminal && seconds < QUIET_SECONDS) {
            return;
        }
        long bytes = done.getAsLong();
        String line = String.format(Locale.ROOT, "%.1f of %.1f GB hashed (%.0f%%), %.0f MB/s",
                bytes / 1e9, total / 1e9, total == 0 ? 100.0 : 100.0 * bytes / total, bytes / 1e6 / seconds);
        err.print(terminal ? "\r" + line : line + "\n");
        err.flush();
        printed = true;
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (printed && terminal) {
            err.println();
            err.flush();
        }
    }
}
