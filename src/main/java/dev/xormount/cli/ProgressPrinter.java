package dev.xormount.cli;

import dev.xormount.codec.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows the progress of decode and encode on standard error: a bar redrawn in place with
 * throughput and time left when standard error is a terminal, else a line per finished file and a
 * summary line every {@value #LINE_INTERVAL_SECONDS} seconds, which suits log files and CI output.
 */
final class ProgressPrinter implements Progress {
    static final int LINE_INTERVAL_SECONDS = 30;
    /** Redraws at most five times a second, so drawing costs nothing next to the I/O. */
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final String verb;

    private int files;
    private int fileIndex;
    private long totalBytes;
    private long doneBytes;
    private long startNanos;
    private long lastPrintNanos;
    private String current = "";
    private String currentAction = "";
    private long currentSize;

    /**
     * @param verb what the job does, shown in line mode, for example "decode"
     * @param terminal draw a bar in place instead of printing lines
     */
    ProgressPrinter(PrintWriter out, boolean terminal, LongSupplier nanoTime, String verb) {
        this.out = out;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.verb = verb;
    }

    /** Returns true if standard error is a terminal that can redraw a line. */
    static boolean stderrIsTerminal() {
        String term = System.getenv("TERM");
        if (term == null || term.equals("dumb")) {
            return false;
        }
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            // No /proc (macOS, Windows): Java reports a console only when stdin and stdout are terminals, a fair guess for stderr.
            return System.console() != null;
        }
    }

    @Override
    public synchronized void started(int fileCount, long bytes) {
        files = fileCount;
        fileIndex = 0;
        totalBytes = bytes;
        startNanos = nanoTime.getAsLong();
        lastPrintNanos = startNanos;
        if (!terminal && fileCount > 0) {
            out.println("xormount: " + verb + ": " + fileCount + (fileCount == 1 ? " file, " : " files, ") + formatBytes(bytes));
            out.flush();
        }
    }

    @Override
    public synchronized void fileStarted(String name, String action, long size) {
        fileIndex++;
        current = name;
        currentAction = action;
        currentSize = size;
        if (terminal) {
            draw(nanoTime.getAsLong());
        }
    }

    @Override
    public synchronized void advanced(long bytes) {
        doneBytes += bytes;
        long now = nanoTime.getAsLong();
        if (terminal && now - lastPrintNanos >= REDRAW_NANOS) {
            draw(now);
        } else if (!terminal && now - lastPrintNanos >= LINE_INTERVAL_SECONDS * 1_000_000_000L) {
            lastPrintNanos = now;
            out.println("xormount: " + verb + ": " + summary(now));
            out.flush();
        }
    }

    @Override
    public synchronized void fileFinished(String name, String outcome) {
        if (terminal) {
            out.print("\r\033[K");
        }
        String size = name.equals(current) ? " (" + formatBytes(currentSize) + ")" : "";
        out.println("xormount: " + verb + ": " + name + size + ": " + outcome);
        out.flush();
    }

    @Override
    public synchronized void finished() {
        if (terminal) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    private void draw(long now) {
        lastPrintNanos = now;
        double fraction = totalBytes == 0 ? 1 : (double) doneBytes / totalBytes;
        out.print("\r\033[K" + bar(fraction, BAR_WIDTH) + " " + summary(now) + "  [" + fileIndex + "/" + files + "] "
                + currentAction + " " + current);
        out.flush();
    }

    /** Returns the percentage, bytes done, throughput and estimated time left. */
    String summary(long now) {
        double seconds = (now - startNanos) / 1e9;
        // Within the first second the rate is mostly start-up cost, so neither it nor the estimate means much yet.
        double rate = seconds >= 1 ? doneBytes / seconds : 0;
        String left = rate > 0 ? formatDuration((long) ((totalBytes - doneBytes) / rate)) + " left" : "time left unknown";
        int percent = totalBytes == 0 ? 100 : (int) (100 * doneBytes / totalBytes);
        return percent + "% " + formatBytes(doneBytes) + " of " + formatBytes(totalBytes) + ", "
                + formatBytes((long) rate) + "/s, " + left;
    }

    /** Returns a bar of {@code width} cells, {@code fraction} of them filled, in brackets. */
    static String bar(double fraction, int width) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }

    /** Formats a byte count with binary units, for example "1.5 GiB". */
    static String formatBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** Formats seconds as "m:ss", or "h:mm:ss" from an hour on. */
    static String formatDuration(long seconds) {
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        long rest = seconds % 60;
        return hours > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest)
                : String.format(Locale.ROOT, "%d:%02d", minutes, rest);
    }
}
