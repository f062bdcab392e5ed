package dev.xormount.codec;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks an output folder against the source folders, so nothing is ever written into a base,
 * payload or fine-tune folder, not even through a symlink inside the output folder.
 */
final class OutputFolder {
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
