package dev.xormount.codec;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Checks an output folder against the source folders, so nothing is ever written into a base,
 * payload or fine-tune folder, not even through a symlink inside the output folder.
 */
final class OutputFolder {
    static final String LOCK_FILE = ".xormount-lock";

    private final Path root;
    private final Map<String, Path> sources;

    private OutputFolder(Path root, Map<String, Path> sources) {
        this.root = root;
        this.sources = sources;
    }

    /**
     * Creates {@code folder} if needed, after checking that it lies outside every source folder.
     *
     * @param sources real paths of the source folders by role ("base", "payload"), for messages
     * @throws UserException naming the folder and the fix
     */
    static OutputFolder prepare(Path folder, Map<String, Path> sources) {
        Path absolute = folder.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new UserException("output path " + absolute + " is a file, not a folder; pass a folder for OUT_DIR");
        }
        checkOutside(absolute, resolveExisting(absolute), sources);
        try {
            Files.createDirectories(absolute);
            return new OutputFolder(absolute.toRealPath(), sources);
        } catch (IOException e) {
            throw new UserException("output folder " + absolute + " cannot be created (" + e + "); check the path and its permissions", e);
        }
    }

    Path root() {
        return root;
    }

    /** An exclusive lock on the output folder, released and its file deleted by {@link #close()}. */
    interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Takes an exclusive lock on this folder, through the hidden file {@value #LOCK_FILE}, so two
     * runs cannot write the same temporary files.
     *
     * @param command the command name, for the message
     * @throws UserException if another process (or this one) holds the lock
     */
    Lock lock(String command) throws IOException {
        FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new UserException("another xormount " + command + " is writing to " + root + "; wait for it to finish or pick another output folder");
        }
        Path file = root.resolve(LOCK_FILE);
        return () -> {
            // Deleted so a published payload folder keeps no stray hidden file.
            // NOTE: a run that opened the file just before this delete can lock the deleted inode while a third run
            // locks a new file, so two runs may overlap in that narrow window.
            Files.deleteIfExists(file);
            channel.close();
        };
    }

    /**
     * Returns the path of {@code relative} in this folder after creating its parent folders and
     * checking that they, with every symlink resolved, still lie outside the sources.
     */
    Path target(String relative) throws IOException {
        Path target = root.resolve(relative);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        checkOutside(target, parent.toRealPath().resolve(target.getFileName()), sources);
        return target;
    }

    private static void checkOutside(Path shown, Path real, Map<String, Path> sources) {
        for (Map.Entry<String, Path> source : sources.entrySet()) {
            if (real.startsWith(source.getValue())) {
                throw new UserException("output " + shown + " lies inside the " + source.getKey() + " folder " + source.getValue()
                        + "; nothing is written into a source folder, so pick an output folder outside it");
            }
        }
    }

    /** Resolves symlinks in the longest existing prefix of {@code path} and appends the rest. */
    private static Path resolveExisting(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            return path;
        }
    }
}
