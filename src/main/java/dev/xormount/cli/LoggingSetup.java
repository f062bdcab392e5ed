package dev.xormount.cli;

import java.util.List;

/**
 * Configures slf4j-simple from the command line before the first logger is created, because
 * slf4j-simple reads its settings only once.
 */
final class LoggingSetup {
    static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    static final String FILE_PROPERTY = "org.slf4j.simpleLogger.logFile";

    private LoggingSetup() {}

    /** Applies {@code --verbose} and {@code --log-file FILE} found anywhere in {@code args}. */
    static void configure(List<String> args) {
        if (args.contains("--verbose") || args.contains("-v")) {
            System.setProperty(LEVEL_PROPERTY, "debug");
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--log-file") && i + 1 < args.size()) {
                System.setProperty(FILE_PROPERTY, args.get(i + 1));
            } else if (arg.startsWith("--log-file=")) {
                System.setProperty(FILE_PROPERTY, arg.substring("--log-file=".length()));
            }
        }
    }
}
