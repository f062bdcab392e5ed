package dev.xormount.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real mount made by running {@code bin/xormount mount} in the foreground, as a user would.
 *
 * <p>{@link #close()} always leaves no mount behind: it unmounts, waits for the process, and falls
 * back to a lazy unmount and killing the process, each under a timeout. Use it in
 * try-with-resources or an {@code @AfterEach} so a failing test cleans up too.
 */
public final class MountedXormount implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Path mountpoint;
    private final Process process;
    private final Path log;

    private MountedXormount(Path mountpoint, Process process, Path log) {
        this.mountpoint = mountpoint;
        this.process = process;
        this.log = log;
    }

    /**
     * Mounts at {@code mountpoint} with {@code args} (everything between {@code mount} and the
     * mountpoint) and returns once the mount is listed in /proc/self/mountinfo.
     *
     * @throws IllegalStateException with the daemon's output if it exits or times out first
     */
    public static MountedXormount start(Path mountpoint, List<String> args) throws IOException, InterruptedException {
        Files.createDirectories(mountpoint);
        List<String> command = new ArrayList<>();
        command.add(Repo.launcher().toString());
        command.add("mount");
        command.addAll(args);
        command.add(mountpoint.toString());
        Path log = Files.createTempFile("xormount-test-", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        MountedXormount mount = new MountedXormount(mountpoint.toAbsolutePath().normalize(), process, log);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("xormount exited with " + process.exitValue() + " before mounting: " + mount.output());
            }
            if (isMounted(mount.mountpoint)) {
                return mount;
            }
            Thread.sleep(50);
        }
        mount.close();
        throw new IllegalStateException("xormount did not mount within " + READY_TIMEOUT + ": " + mount.output());
    }

    /** Mounts the bundled demo model with {@code extraArgs} added. */
    public static MountedXormount demo(Path mountpoint, String... extraArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--base", Repo.demoBase().toString(), "--payload", Repo.demoPayload().toString()));
        args.addAll(List.of(extraArgs));
        return start(mountpoint, args);
    }

    public Path mountpoint() {
        return mountpoint;
    }

    public Process process() {
        return process;
    }

    /** Returns what the daemon printed so far (its log lines). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Returns true if {@code path} is a mount point in this process's mount namespace. */
    public static boolean isMounted(Path path) throws IOException {
        String wanted = path.toAbsolutePath().normalize().toString().replace(" ", "\\040");
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && fields[4].equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Unmounts with {@code bin/xormount unmount} and waits for the daemon to exit; returns its exit code. */
    public int unmountAndWait() throws IOException, InterruptedException {
        Process unmount = new ProcessBuilder(Repo.launcher().toString(), "unmount", mountpoint.toString())
                .redirectErrorStream(true).start();
        unmount.getInputStream().readAllBytes();
        unmount.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("xormount did not exit after unmount: " + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (isMounted(mountpoint)) {
                run("fusermount", "-u", mountpoint.toString());
            }
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            removeMount(mountpoint);
        }
    }

    /** Detaches whatever is mounted at {@code mountpoint}, alive or dead, each tool under a timeout. */
    public static void removeMount(Path mountpoint) throws IOException, InterruptedException {
        if (isMounted(mountpoint)) {
            run("fusermount", "-u", "-z", mountpoint.toString());
        }
        if (isMounted(mountpoint)) {
            run("umount", "-l", mountpoint.toString());
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
