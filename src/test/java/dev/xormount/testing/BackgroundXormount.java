package dev.xormount.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real mount made by {@code bin/xormount mount --background} with its own state folder, as a
 * service would start it. The daemon is not a child of the test, so it is found through the pid
 * file that every daemon keeps in the state folder.
 *
 * <p>{@link #close()} always leaves no mount and no daemon behind: it unmounts, kills the daemon
 * by pid if it is still alive, and detaches the mount lazily, each under a timeout.
 */
public final class BackgroundXormount implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Path mountpoint;
    private final Path stateDir;
    private final List<Long> pids = new ArrayList<>();

    public BackgroundXormount(Path mountpoint, Path stateDir) {
        this.mountpoint = mountpoint.toAbsolutePath().normalize();
        this.stateDir = stateDir.toAbsolutePath().normalize();
    }

    /**
     * Runs {@code bin/xormount mount --background --state-dir DIR ARGS MOUNTPOINT} for the demo
     * model with {@code environment} added, and returns the launch's result. Remembers the
     * daemon's pid for {@link #close()} when the launch succeeds.
     */
    public Command.Result mountDemo(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        try {
            Files.createDirectories(mountpoint);
        } catch (FileAlreadyExistsException e) {
            // A dead mount fails every stat, so it looks absent, yet cannot be created; the mount clears it.
        }
        List<String> command = new ArrayList<>(List.of(Repo.launcher().toString(), "mount", "--background",
                "--state-dir", stateDir.toString(),
                "--base", Repo.demoBase().toString(), "--payload", Repo.demoPayload().toString()));
        command.addAll(List.of(args));
        command.add(mountpoint.toString());
        Command.Result result = Command.run(command, environment);
        daemonPid().ifPresent(pids::add);
        return result;
    }

    /** Runs {@code bin/xormount unmount --state-dir DIR MOUNTPOINT}. */
    public Command.Result unmount() throws IOException, InterruptedException {
        return Command.run(Repo.launcher().toString(), "unmount", "--state-dir", stateDir.toString(), mountpoint.toString());
    }

    public Path mountpoint() {
        return mountpoint;
    }

    /** Returns the pid in the state folder's pid file for this mountpoint, if the file exists. */
    public Optional<Long> daemonPid() throws IOException {
        Path daemons = stateDir.resolve("daemons");
        if (!Files.isDirectory(daemons)) {
            return Optional.empty();
        }
        try (var files = Files.list(daemons)) {
            for (Path file : files.toList()) {
                String name = java.net.URLDecoder.decode(file.getFileName().toString(), StandardCharsets.UTF_8);
                if (name.equals(mountpoint + ".pid")) {
                    try {
                        return Optional.of(Long.parseLong(Files.readString(file).trim()));
                    } catch (NoSuchFileException e) {
                        // The daemon deleted its pid file between the listing and the read: it is exiting.
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Returns the daemon's log, mount.log in the state folder. */
    public String log() {
        try {
            return Files.readString(stateDir.resolve("mount.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Waits up to the stop timeout for process {@code pid} to exit; returns true if it did. */
    public static boolean awaitExit(long pid) throws InterruptedException {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        try {
            process.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (MountedXormount.isMounted(mountpoint)) {
                Command.run("fusermount", "-u", mountpoint.toString());
            }
            daemonPid().ifPresent(pids::add);
            for (long pid : pids) {
                if (!awaitExit(pid)) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    awaitExit(pid);
                }
            }
        } finally {
            MountedXormount.removeMount(mountpoint);
        }
    }
}
