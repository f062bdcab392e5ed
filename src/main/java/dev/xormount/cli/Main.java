package dev.xormount.cli;

import dev.xormount.UserException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/xormount}. */
@Command(name = "xormount",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Serves models published as XOR payloads, decoded on the fly from your base model.",
        subcommands = {MountCommand.class, UnmountCommand.class, VerifyCommand.class, StatusCommand.class,
            DecodeCommand.class, EncodeCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    private static volatile List<String> rawArgs = List.of();

    public static void main(String[] args) {
        rawArgs = List.of(args);
        String logError = LoggingSetup.configure(Arrays.asList(args));
        if (logError != null) {
            System.err.println("xormount: error: " + logError);
            System.exit(ExitCodes.BAD_INPUT);
        }
        NativeStubFolder.create();
        int code = run(args);
        MountCommand.markExiting();
        NativeStubFolder.delete();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code; never calls {@link System#exit}. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs one command line with its output and error text sent to the given writers. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine();
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    /** Returns the arguments this process was started with, for a background child to repeat. */
    static List<String> rawArgs() {
        return rawArgs;
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        if (LoggingSetup.isRedirected()) {
            // Command errors belong on the terminal, not in the --log-file that System.err now writes to.
            commandLine.setErr(new PrintWriter(LoggingSetup.terminal(), true));
        }
        commandLine.setExecutionExceptionHandler(Main::handleException);
        commandLine.setParameterExceptionHandler(Main::handleParameterException);
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(new Version());
        }
        return commandLine;
    }

    private static int handleException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean verbose = verbose(parseResult);
        if (e instanceof UserException) {
            err.println("xormount: error: " + e.getMessage());
            if (verbose && e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        err.println("xormount: failed: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String message = e.getMessage();
        if (message.endsWith(".")) {
            message = message.substring(0, message.length() - 1);
        }
        err.println("xormount: error: " + message + "; see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static boolean verbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Reads the version from the jar manifest; "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"xormount " + (version == null ? "development" : version)};
        }
    }

    /** Options every command takes. */
    static final class CommonOptions {
        @CommandLine.Option(names = {"-v", "--verbose"},
                description = "Log at debug level and print stack traces of unexpected errors.")
        boolean verbose;
    }
}
