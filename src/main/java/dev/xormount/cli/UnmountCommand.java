package dev.xormount.cli;

import dev.xormount.UserException;
import dev.xormount.fuse.MountTable;
import dev.xormount.fuse.MountpointCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xormount unmount}: unmounts a mount, including one whose daemon died, and waits for the
 * daemon to exit when its pid file in the state folder names it.
 */
@Command(name = "unmount", aliases = "umount", mixinStandardHelpOptions = true,
        description = {
            "Unmounts an xormount mount and waits for the daemon serving it to exit.",
            "Also clears a mount whose daemon was killed."
        })
public final class UnmountCommand implements Callable<Integer> {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--lazy",
            description = "Detach the mount even while files are open; the kernel drops it when the last one is closed.")
    boolean lazy;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State folder the mount was started with, where its daemon's pid file is."
                    + " Default: $XDG_CACHE_HOME/xormount or ~/.cache/xormount.")
    Path stateDir;

    @Mixin
    Main.CommonOptions common;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "The folder the model is mounted on.")
    Path mountpoint;

    /**
     * Returns {@code path} with symlinks resolved, as the mount table lists it; a dead mount
     * cannot be resolved, so it is kept as an absolute path.
     */
    private static Path resolve(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }

    @Override
    public Integer call() throws Exception {
        Path target = resolve(mountpoint);
        Path pidFile = DaemonPidFile.of(StateDirs.resolve(stateDir), target);
        Optional<ProcessHandle> daemon = DaemonPidFile.liveDaemon(pidFile);

        if (MountpointCheck.isStale(target)) {
            String error = MountTable.unmount(target, true);
            if (error != null && MountpointCheck.isStale(target)) {
                throw new UserException("could not clear the dead mount at " + target + " (" + error
                        + "); run 'sudo umount -l " + target + "'");
            }
            deleteIfNoDaemon(pidFile, daemon);
            System.out.println("Cleared dead mount at " + target);
            return ExitCodes.OK;
        }
        Optional<MountTable.Entry> entry = MountTable.find(target);
        if (entry.isEmpty()) {
            return notMounted(target, pidFile, daemon);
        }
        if (!entry.get().type().equals("fuse.xormount")) {
            throw new UserException(target + " is a " + entry.get().type() + " mount, not an xormount mount; use 'umount' for it");
        }
        String error = MountTable.unmount(target, lazy);
        if (error != null) {
            if (error.contains("busy")) {
                throw new UserException("mount at " + target + " is busy because files are open (see 'fuser -vm " + target
                        + "'); close them, or pass --lazy to detach it now");
            }
            throw new UserException("unmounting " + target + " failed: " + error);
        }
        if (daemon.isEmpty()) {
            System.out.println("Unmounted " + target);
            return ExitCodes.OK;
        }
        return awaitExit(target, daemon.get());
    }

    /**
     * Handles a mountpoint with no mount: success if a pid file shows that a daemon served it (its
     * mount was removed already, for example by auto_unmount after the daemon was killed).
     */
    private int notMounted(Path target, Path pidFile, Optional<ProcessHandle> daemon) throws InterruptedException, IOException {
        if (daemon.isPresent()) {
            // The daemon is between its unmount and its exit.
            return awaitExit(target, daemon.get());
        }
        if (Files.deleteIfExists(pidFile)) {
            System.out.println("No mount at " + target + ": its daemon is gone and its mount was already removed");
            return ExitCodes.OK;
        }
        throw new UserException(target + " is not a mount point; check the path with 'findmnt -t fuse.xormount'");
    }

    private int awaitExit(Path target, ProcessHandle daemon) throws InterruptedException {
        try {
            daemon.onExit().get(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new UserException("unmounted " + target + ", but its daemon (pid " + daemon.pid() + ") is still running after "
                    + EXIT_TIMEOUT.toSeconds() + " s; see its log, and stop it with 'kill " + daemon.pid() + "'");
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + daemon.pid() + " failed", e.getCause());
        }
        System.out.println("Unmounted " + target + "; daemon pid " + daemon.pid() + " exited");
        return ExitCodes.OK;
    }

    private static void deleteIfNoDaemon(Path pidFile, Optional<ProcessHandle> daemon) throws IOException {
        if (daemon.isEmpty()) {
            Files.deleteIfExists(pidFile);
        }
    }
}
