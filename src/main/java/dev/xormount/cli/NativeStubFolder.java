package dev.xormount.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private folder for the native stub library that jffi (under jnr-ffi and jnr-fuse) unpacks
 * from its jar before the first native call.
 *
 * <p>By default jffi unpacks it as a temporary file in {@code java.io.tmpdir}, falls back to the
 * current working folder when that fails, and deletes it only on a normal JVM exit. A mount
 * stopped by SIGTERM exits through {@link Runtime#halt}, so every stop left a file in /tmp, and a
 * failed unpack could write into whatever folder the user ran xormount from, such as a base or
 * payload folder. Pointing {@code jffi.extract.dir} at a folder of our own avoids both. The mount
 * removes the folder as soon as jnr-fuse is loaded, and every command removes it on its way out.
 * Only a process killed in between leaves an empty folder behind.
 */
final class NativeStubFolder {
    private static volatile Path folder;

    private NativeStubFolder() {}

    /** Creates the folder and points jffi at it; call before any class of jnr is loaded. */
    static void create() {
        if (System.getProperty("jffi.extract.dir") != null) {
            return;
        }
        try {
            Path created = Files.createTempDirectory("xormount-native-");
            System.setProperty("jffi.extract.dir", created.toString());
            folder = created;
        } catch (IOException | UnsupportedOperationException e) {
            // jffi then uses its default locations; the mount works either way.
        }
    }

    /** Deletes the folder and the library in it; the library stays mapped in this process. */
    static void delete() {
        Path current = folder;
        if (current == null) {
            return;
        }
        folder = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(current)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(current);
        } catch (IOException e) {
            // Nothing to report to the user: a leftover file in the temporary folder is harmless.
        }
    }
}
