package dev.xormount.fuse;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that this machine can mount FUSE file systems, before anything is mounted. */
public final class FuseSupport {
    private static final Path DEVICE = Path.of("/dev/fuse");
    private static final Path FUSE_CONF = Path.of("/etc/fuse.conf");

    private FuseSupport() {}

    /**
     * Checks for {@code /dev/fuse} and, for users other than root, that they may open it and that
     * the {@code fusermount} tool is installed. fusermount (fuse3 3.14) opens the device with the
     * calling user's rights, so a user who cannot open {@code /dev/fuse} cannot mount at all.
     *
     * @throws UserException saying which package to install or which permission to fix
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
        if (root) {
            return;
        }
        if (!Files.isReadable(device) || !Files.isWritable(device)) {
            throw new UserException("FUSE is not usable by this user: " + device + " is not readable and writable;"
                    + " mount as root, or give users access with 'sudo chmod 0666 " + device + "' (the usual mode)");
        }
        if (!onPath("fusermount")) {
            throw new UserException("'fusermount' is missing, so users other than root cannot mount;"
                    + " install it with 'sudo apt-get install fuse3'");
        }
    }

    /**
     * Checks that a user other than root may mount with {@code allow_other}: fusermount allows it
     * only when {@code /etc/fuse.conf} has a line {@code user_allow_other}.
     *
     * @throws UserException naming the line to add
     */
    public static void checkAllowOther(boolean root) {
        if (root) {
            return;
        }
        try {
            for (String line : Files.readAllLines(FUSE_CONF, StandardCharsets.UTF_8)) {
                if (line.strip().equals("user_allow_other")) {
                    return;
                }
            }
        } catch (IOException e) {
            // A missing or unreadable file means the option is not set, as fusermount reads it.
        }
        throw new UserException("--allow-other needs the line 'user_allow_other' in " + FUSE_CONF
                + " when the mount runs as a user other than root; add it as root, or drop --allow-other");
    }

    /**
     * Returns true if libfuse can use the {@code auto_unmount} option: libfuse 2.9 hands the mount
     * to {@code fusermount}, which stays running and unmounts when the daemon dies, even by SIGKILL.
     */
    public static boolean autoUnmountAvailable() {
        return onPath("fusermount");
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
