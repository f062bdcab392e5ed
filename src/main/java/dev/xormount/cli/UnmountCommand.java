package dev.xormount.cli;

import dev.xormount.UserException;
import dev.xormount.fuse.MountTable;
import dev.xormount.fuse.MountpointCheck;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xormount unmount}: unmounts a mount, including one whose daemon died. */
@Command(name = "unmount", aliases = "umount", mixinStandardHelpOptions = true,
        description = "Unmounts an xormount mount; the daemon serving it then exits. Also clears a mount whose daemon was killed.")
public final class UnmountCommand implements Callable<Integer> {
    @Option(names = "--lazy",
            description = "Detach the mount even while files are open; the kernel drops it when the last one is closed.")
    boolean lazy;

    @Mixin
    Main.CommonOptions common;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "The folder the model is mounted on.")
    Path mountpoint;

    @Override
    public Integer call() throws Exception {
        Path target = mountpoint.toAbsolutePath().normalize();
        if (MountpointCheck.isStale(target)) {
            String error = MountTable.unmount(target, true);
            if (error != null) {
                throw new UserException("could not clear the dead mount at " + target + " (" + error
                        + "); run 'sudo umount -l " + target + "'");
            }
            System.out.println("Cleared dead mount at " + target);
            return ExitCodes.OK;
        }
        Optional<MountTable.Entry> entry = MountTable.find(target);
        if (entry.isEmpty()) {
            throw new UserException(target + " is not a mount point; check the path with 'findmnt -t fuse.xormount'");
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
        System.out.println("Unmounted " + target);
        return ExitCodes.OK;
    }
}
