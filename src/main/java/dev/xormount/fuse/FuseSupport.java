package dev.xormount.fuse;

import dev.xormount.UserException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that this machine can mount FUSE file systems, before anything is mounted. */
public final class FuseSupport {
    private static final Path DEVICE = Path.of("/dev/fuse");

    private FuseSupport() {}

    /**
     * Checks for {@code /dev/fuse} and, for users other than root, for the {@code fusermount} tool.
     *
     * @throws UserException saying which package to install
     */
    public static void check(boolean root) {
        check(DEVICE, root);
    }

    static void check(Path device, boolean root) {
        if (!Files.exists(device)) {
            throw new UserException("FUSE is not available: " + device + " is missing; install FUSE with"
                    + " 'sudo apt-get install fuse3 libfuse2' and load it with 'sudo modprobe fuse'"
                    + " (in a container, start it with --device /dev/fuse --cap-add SYS_ADMIN)");
        }
        if (!Files.isReadable(device) || !Files.isWritable(device)) {
            if (root || !onPath("fusermount")) {
                throw new UserException("FUSE is not usable: " + device + " is not readable and writable by this user,"
                        + " and 'fusermount' is missing; install it with 'sudo apt-get install fuse3'");
            }
        }
    }

    /**
     * Returns the message to show when libfuse 2 could not be loaded.
     */
    public static UserException libraryMissing(Throwable cause) {
        return new UserException("libfuse 2 (libfuse.so.2) could not be loaded (" + cause.getMessage()
                + "); install it with 'sudo apt-get install libfuse2'", cause);
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
