package dev.xormount.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The pid file a mount daemon keeps in the state folder while it serves, named after its
 * mountpoint, so that {@code unmount} and {@code status} find the process without being given its
 * pid. The file contains the decimal pid and a newline.
 */
final class DaemonPidFile {
    private static final String FOLDER = "daemons";

    private DaemonPidFile() {}

    /**
     * Returns the pid file for {@code mountpoint} in {@code stateDir}: {@code daemons/} followed by
     * the absolute mountpoint, URL-encoded so that every mountpoint maps to its own file name.
     */
    static Path of(Path stateDir, Path mountpoint) {
        String key = mountpoint.toAbsolutePath().normalize().toString();
        return stateDir.resolve(FOLDER).resolve(URLEncoder.encode(key, StandardCharsets.UTF_8) + ".pid");
    }

    /** Writes this process's pid to {@code file}, creating its folder. */
    static void writeCurrent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }

    /** Returns true if {@code file} contains this process's pid. */
    static boolean isOwnedByCurrent(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim().equals(Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Returns the process named in {@code file} if it is still running and its command line is an
     * xormount daemon, so a pid that another program reused after a crash is not taken for it.
     */
    static Optional<ProcessHandle> liveDaemon(Path file) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(DaemonPidFile::isXormount);
    }

    private static boolean isXormount(ProcessHandle process) {
        try {
            // /proc/PID/cmdline lists the arguments of other users' processes too, unless /proc is
            // mounted with hidepid, and a service runs as its own user.
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            String text = new String(cmdline, StandardCharsets.UTF_8);
            return text.contains(Main.class.getName()) || text.contains("xormount.jar");
        } catch (IOException e) {
            return false;
        }
    }
}
