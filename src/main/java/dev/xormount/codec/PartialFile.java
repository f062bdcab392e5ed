package dev.xormount.codec;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output file written under a hidden temporary name next to its target, and renamed onto the
 * target only by {@link #commit()}, so a reader never sees a partial file under the final name.
 *
 * <p>{@link #close()} without a commit deletes the temporary file. A JVM shutdown (Ctrl-C,
 * SIGTERM) deletes every temporary file still open. Only a killed JVM (SIGKILL, power loss) leaves
 * one behind. Its name is fixed per target, so the next write of that target removes it first.
 */
public final class PartialFile implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(PartialFile.class);
    private static final String SUFFIX = ".xormount-partial";
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PartialFile::deleteAllOpen, "delete-partial-files"));
    }

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private boolean committed;

    private PartialFile(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    /** Creates the target's parent folders and an empty temporary file for {@code target}. */
    public static PartialFile create(Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path temporary = temporaryFor(target);
        Files.deleteIfExists(temporary);
        OPEN.add(temporary);
        try {
            FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new PartialFile(target, temporary, channel);
        } catch (IOException e) {
            OPEN.remove(temporary);
            throw e;
        }
    }

    /** Writes {@code text} in UTF-8 to {@code target}, replacing it atomically. */
    public static void writeString(Path target, String text) throws IOException {
        try (PartialFile partial = create(target)) {
            partial.channel().write(StandardCharsets.UTF_8.encode(text));
            partial.commit();
        }
    }

    /** Returns the hidden temporary name used while {@code target} is written. */
    public static Path temporaryFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + SUFFIX);
    }

    public FileChannel channel() {
        return channel;
    }

    public Path target() {
        return target;
    }

    /** Flushes the data to the device and renames the temporary file onto the target, replacing it. */
    public void commit() throws IOException {
        channel.force(true);
        channel.close();
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        OPEN.remove(temporary);
    }

    /** Deletes the temporary file unless {@link #commit()} succeeded. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temporary);
            OPEN.remove(temporary);
        }
    }

    private static void deleteAllOpen() {
        for (Path temporary : OPEN) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                log.warn("Could not delete the partial file {}: {}", temporary, e.toString());
            }
        }
    }
}
