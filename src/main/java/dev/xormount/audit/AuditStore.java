package dev.xormount.audit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.xormount.checksum.Digests;
import dev.xormount.checksum.HashAlgorithm;
import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit results saved in the state folder, so a remount of unchanged sources does not hash them
 * again.
 *
 * <p>A result is reused only while its identity matches: the real path, size, mtime and inode of
 * both the payload and the base file, and the expected md5. Changing either source (a new
 * download, a {@code touch}) or the manifest makes the file be audited again. One JSON file per
 * model contains the latest result of each of its files; it is replaced atomically on each save.
 */
public final class AuditStore {
    private static final Logger log = LoggerFactory.getLogger(AuditStore.class);

    /**
     * One saved result.
     *
     * @param identity the sources and expected md5 the result was computed for
     * @param state {@link AuditState#VERIFIED} or {@link AuditState#MISMATCH}
     * @param actual the decoded md5 found
     * @param side the side at fault for a mismatch, else null
     * @param cause the diagnosis for a mismatch, else null
     */
    public record Saved(String identity, AuditState state, String actual, Diagnosis.Side side, String cause) {}

    /** The content of one model's file. */
    record StoreFile(Map<String, Saved> files) {}

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;
    private final Map<String, Saved> results;

    private AuditStore(Path file, Map<String, Saved> results) {
        this.file = file;
        this.results = results;
    }

    /** Returns a store that keeps results in memory only, for tests and for a state folder that cannot be used. */
    public static AuditStore inMemory() {
        return new AuditStore(null, new TreeMap<>());
    }

    /**
     * Opens the results of one model under {@code folder}; a missing or unreadable file starts
     * empty, so the worst case is hashing again.
     *
     * @param modelKey text that identifies the model, such as its name and both source folders
     */
    public static AuditStore open(Path folder, String modelKey) {
        Path file = folder.resolve("audit-" + Digests.of(HashAlgorithm.MD5, modelKey.getBytes(StandardCharsets.UTF_8)) + ".json");
        Map<String, Saved> results = new TreeMap<>();
        if (Files.isRegularFile(file)) {
            try {
                StoreFile stored = new ObjectMapper().readValue(file.toFile(), StoreFile.class);
                if (stored.files() != null) {
                    results.putAll(stored.files());
                }
            } catch (JacksonException e) {
                log.warn("Ignoring unreadable saved audit results {}: {}", file, e.getOriginalMessage());
            } catch (IOException e) {
                log.warn("Ignoring unreadable saved audit results {}: {}", file, e.toString());
            }
        }
        return new AuditStore(file, results);
    }

    /** Returns the path of the results file, or null for {@link #inMemory()}. */
    public Path file() {
        return file;
    }

    /** Returns the identity of the current sources of {@code decoded}, compared with {@code expectedMd5}. */
    public static String identity(DecodedFile decoded, String expectedMd5) {
        return describe(decoded.payload()) + " | " + (decoded.isPlain() ? "plain" : describe(decoded.base())) + " | " + expectedMd5;
    }

    private static String describe(SourceFile source) {
        return source.realPath() + " size=" + source.size() + " mtime=" + source.modified().toInstant()
                + " inode=" + source.inode();
    }

    /** Returns the saved result for {@code name} if it was computed for {@code identity}, else null. */
    public synchronized Saved lookup(String name, String identity) {
        Saved saved = results.get(name);
        return saved != null && saved.identity().equals(identity) ? saved : null;
    }

    /**
     * Saves {@code result} for {@code name}, replacing any older result, and writes the file.
     * A failed write is logged and the result kept in memory.
     */
    public synchronized void save(String name, Saved result) {
        results.put(name, result);
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try {
                mapper.writeValue(temp.toFile(), new StoreFile(new TreeMap<>(results)));
                moveOver(temp, file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            log.warn("Could not save audit results to {}: {}; the next mount hashes these files again", file, e.toString());
        }
    }

    private static void moveOver(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
