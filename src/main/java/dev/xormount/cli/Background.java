package dev.xormount.cli;

import dev.xormount.UserException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the mount as a detached child process and waits until it serves reads.
 *
 * <p>The JVM cannot fork, so {@code --background} starts a second JVM with the same command line
 * plus a hidden {@code --daemon-child} flag, in a new session (via {@code setsid}) so that the
 * terminal's Ctrl-C does not reach it. The child logs to the log file. On its standard output, a
 * pipe to this process, it writes notes for the user (such as files left out), then either the
 * ready line or one error line, and then it closes the pipe.
 */
final class Background {
    private Background() {}

    /** Returns {@code mount.log} in the state folder, creating the folder. */
    private static Path defaultLogFile(Path stateDir) {
        Path folder = StateDirs.resolve(stateDir);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserException("cannot create the state folder " + folder + " (" + e + "); pass a writable --state-dir or --log-file", e);
        }
        return folder.resolve("mount.log");
    }

    /** Launches the daemon for {@code command} and returns this process's exit code. */
    static int launch(MountCommand command) throws IOException, InterruptedException {
        Path logFile = command.logFile != null ? command.logFile.toAbsolutePath() : defaultLogFile(command.stateDir);
        if (Files.isDirectory(logFile)) {
            throw new UserException("--log-file " + logFile + " is a folder; pass a file path such as " + logFile.resolve("mount.log"));
        }
        if (!Files.isDirectory(logFile.getParent())) {
            throw new UserException("folder of --log-file " + logFile + " not found; create " + logFile.getParent() + " or pick another path");
        }

        List<String> child = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            child.add("/usr/bin/setsid");
        }
        child.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        child.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        child.add("-cp");
        child.add(System.getProperty("java.class.path"));
        child.add(Main.class.getName());
        for (String arg : Main.rawArgs()) {
            if (!arg.equals("--background")) {
                child.add(arg);
            }
        }
        child.add("--daemon-child");
        if (command.logFile == null) {
            child.add("--log-file");
            child.add(logFile.toString());
        }

        Process process = new ProcessBuilder(child)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals(MountCommand.READY_LINE)) {
                    System.out.println("Mounted at " + command.mountpoint.toAbsolutePath().normalize()
                            + " (daemon pid " + process.pid() + ", log " + logFile + ")");
                    return ExitCodes.OK;
                }
                if (line.startsWith(MountCommand.NOTE_PREFIX)) {
                    System.err.println("xormount: " + line.substring(MountCommand.NOTE_PREFIX.length()));
                    continue;
                }
                if (line.startsWith("xormount-error ")) {
                    process.waitFor();
                    throw new UserException(line.substring("xormount-error ".length()));
                }
            }
        }
        int code = process.waitFor();
        throw new UserException("the mount daemon exited with code " + code + " before serving; see " + logFile);
    }
}
