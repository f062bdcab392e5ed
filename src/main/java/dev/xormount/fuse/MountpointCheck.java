package dev.xormount.fuse;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks that a folder can take a new mount, and clears a mount left behind by a crash. */
public final class MountpointCheck {
    private static final Logger log = LoggerFactory.getLogger(MountpointCheck.class);
    private static final String NOT_CONNECTED = "Transport endpoint is not connected";

    private MountpointCheck() {}

    /**
     * Returns the mountpoint, with symlinks resolved, after checking that it is an existing, empty folder that is
     * not mounted and lies outside every source folder. A FUSE mount whose daemon died is
     * unmounted (lazily) first, and logged.
     *
     * @param sourceFolders the base and payload folders, already resolved to real paths
     * @throws UserException naming the mountpoint and the fix
     */
    public static Path check(Path mountpoint, List<Path> sourceFolders) {
        Path absolute = mountpoint.toAbsolutePath().normalize();
        if (isStale(absolute)) {
            String error = MountTable.unmount(absolute, true);
            // With auto_unmount, fusermount may remove the dead mount first, so our unmount can fail
            // although the mountpoint is clear. Only a mountpoint that is still dead is an error.
            if (isStale(absolute)) {
                throw new UserException("mountpoint " + absolute + " is a dead FUSE mount left by a crashed process and could not be cleared ("
                        + error + "); clear it with 'fusermount -u -z " + absolute + "' or 'sudo umount -l " + absolute + "' and retry");
            }
            log.info("Cleared the dead mount left at {} by a crashed process", absolute);
        }

        if (!Files.exists(absolute)) {
            throw new UserException("mountpoint " + absolute + " not found; create it with 'mkdir -p " + absolute + "'");
        }
        if (!Files.isDirectory(absolute)) {
            throw new UserException("mountpoint " + absolute + " is not a folder; pass an empty folder");
        }

        Optional<MountTable.Entry> mounted;
        try {
            mounted = MountTable.find(absolute);
        } catch (IOException e) {
            log.warn("Reading the mount table failed ({}); cannot tell whether {} is already mounted", e.toString(), absolute);
            mounted = Optional.empty();
        }
        if (mounted.isPresent()) {
            throw new UserException("mountpoint " + absolute + " is already a mount point (" + mounted.get().type()
                    + "); unmount it first with 'xormount unmount " + absolute + "' or pick another folder");
        }

        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw new UserException("mountpoint " + absolute + " cannot be resolved (" + e.getMessage() + "); check the path", e);
        }

        for (Path source : sourceFolders) {
            if (real.startsWith(source)) {
                throw new UserException("mountpoint " + absolute + " lies inside the source folder " + source
                        + "; pick a folder outside the base and payload folders");
            }
        }
        if (!isEmpty(real)) {
            throw new UserException("mountpoint " + absolute + " is not empty; pass an empty folder so no files are hidden by the mount");
        }
        return real;
    }

    /** Returns true if {@code path} is a FUSE mount whose daemon is gone. */
    public static boolean isStale(Path path) {
        try {
            Files.readAttributes(path, BasicFileAttributes.class);
            return false;
        } catch (FileSystemException e) {
            return e.getReason() != null && e.getReason().contains(NOT_CONNECTED);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isEmpty(Path folder) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new UserException("mountpoint " + folder + " cannot be listed (" + e.getMessage() + "); check its permissions", e);
        }
    }
}
