package dev.xormount.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Configures slf4j-simple from the command line before the first logger is created, because
 * slf4j-simple reads its settings only once.
 *
 * <p>slf4j-simple logs to standard error. With {@code --log-file FILE}, {@link System#err} is
 * replaced by a stream that appends to FILE. slf4j-simple's own file setting is not used because it
 * truncates the file on every start, which loses the log of the run that crashed and garbles lines
 * that a parent process appends to the same file. Command errors still go to the terminal through
 * {@link #terminal()}.
 */
final class LoggingSetup {
    static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    /** One line per record for java.util.logging, which Caffeine logs through; no stack traces. */
    private static final String JUL_FORMAT = "%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL%1$tz [%4$s] %3$s - %5$s%n";

    private static final PrintStream TERMINAL = System.err;
    private static volatile boolean redirected;

    private LoggingSetup() {}

    /**
     * Applies {@code --verbose} and {@code --log-file FILE} found anywhere in {@code args}.
     *
     * @return null, or an error message naming the log file that cannot be opened
     */
    static String configure(List<String> args) {
        if (args.contains("--verbose") || args.contains("-v")) {
            System.setProperty(LEVEL_PROPERTY, "debug");
        }
        System.setProperty("java.util.logging.SimpleFormatter.format", JUL_FORMAT);
        String logFile = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--log-file") && i + 1 < args.size()) {
                logFile = args.get(i + 1);
            } else if (arg.startsWith("--log-file=")) {
                logFile = arg.substring("--log-file=".length());
            }
        }
        if (logFile == null) {
            return null;
        }
        try {
            // With O_APPEND each log line, written at once when under 8 KiB, stays whole even when
            // several processes append to the file.
            System.setErr(new PrintStream(new FileOutputStream(logFile, true), true, StandardCharsets.UTF_8));
            redirected = true;
            return null;
        } catch (IOException e) {
            return "cannot open --log-file " + logFile + " (" + e.getMessage() + "); pass a file in a writable folder";
        }
    }

    /** Returns true once {@link System#err} writes to the {@code --log-file}. */
    static boolean isRedirected() {
        return redirected;
    }

    /** Returns the standard error stream the process started with, for messages to the user. */
    static PrintStream terminal() {
        return TERMINAL;
    }
}
