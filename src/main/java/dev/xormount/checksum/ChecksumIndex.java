package dev.xormount.checksum;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xormount.UserException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The folder of known md5 manifests ({@code checksums/} in the repository) and its
 * {@code index.json}, which pairs each decoded manifest with the base manifest its payload was
 * made against and names the files the publisher stores plain.
 *
 * <p>Every {@code *.md5} file in the folder is a known manifest; a model is known once its
 * manifests and its entry in the index are there, with no code change.
 */
public final class ChecksumIndex {
    /** System property that the launcher sets to the repository's {@code checksums} folder. */
    public static final String DIRECTORY_PROPERTY = "xormount.checksums";
    public static final String INDEX_FILE = "index.json";

    /**
     * A decoded model listed in the index.
     *
     * @param decoded md5 of the decoded files
     * @param base md5 of the base files the payload was made against, or null if not published
     * @param plain globs of files stored plain in the payload, as {@code --plain} takes them
     */
    public record KnownModel(Manifest decoded, Manifest base, List<String> plain) {}

    /** One entry of {@code index.json}, as written there. */
    record Entry(String decoded, String base, List<String> plain) {}

    /** The whole of {@code index.json}. */
    record IndexFile(List<Entry> models) {}

    private final Path directory;
    private final Map<String, Manifest> manifests;
    private final List<KnownModel> models;

    private ChecksumIndex(Path directory, Map<String, Manifest> manifests, List<KnownModel> models) {
        this.directory = directory;
        this.manifests = manifests;
        this.models = models;
    }

    /** Returns an index with no manifests, for a launch without the checksums folder. */
    public static ChecksumIndex empty() {
        return new ChecksumIndex(null, Map.of(), List.of());
    }

    /**
     * Loads the folder named by the {@value #DIRECTORY_PROPERTY} system property, or returns
     * {@link #empty()} when the property is unset or the folder does not exist.
     */
    public static ChecksumIndex loadDefault() throws IOException {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured == null || configured.isBlank() || !Files.isDirectory(Path.of(configured))) {
            return empty();
        }
        return load(Path.of(configured));
    }

    /**
     * Loads every {@code *.md5} file of {@code directory} and its {@code index.json}, if any.
     *
     * @throws UserException if a manifest or the index is invalid, or the index names a missing manifest
     */
    public static ChecksumIndex load(Path directory) throws IOException {
        Map<String, Manifest> manifests = new LinkedHashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.md5")) {
            List<Path> files = new ArrayList<>();
            stream.forEach(files::add);
            files.sort(null);
            for (Path file : files) {
                Manifest manifest = Manifest.read(file).requireAlgorithm(HashAlgorithm.MD5, "the checksums folder",
                        "put md5 digests in *.md5 files there");
                manifests.put(file.getFileName().toString(), manifest);
            }
        }
        List<KnownModel> models = new ArrayList<>();
        Path indexFile = directory.resolve(INDEX_FILE);
        if (Files.isRegularFile(indexFile)) {
            for (Entry entry : readIndex(indexFile).models()) {
                Manifest decoded = require(manifests, entry.decoded(), indexFile);
                Manifest base = entry.base() == null ? null : require(manifests, entry.base(), indexFile);
                List<String> plain = entry.plain() == null ? List.of() : List.copyOf(entry.plain());
                models.add(new KnownModel(decoded, base, plain));
            }
        }
        return new ChecksumIndex(directory, Map.copyOf(manifests), List.copyOf(models));
    }

    private static IndexFile readIndex(Path indexFile) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            IndexFile index = mapper.readValue(indexFile.toFile(), IndexFile.class);
            if (index.models() == null) {
                throw new UserException("checksum index " + indexFile + " has no \"models\" list; add one");
            }
            return index;
        } catch (JacksonException e) {
            throw new UserException("invalid checksum index " + indexFile + ": " + e.getOriginalMessage()
                    + "; fix the JSON", e);
        }
    }

    private static Manifest require(Map<String, Manifest> manifests, String name, Path indexFile) {
        Manifest manifest = name == null ? null : manifests.get(name);
        if (manifest == null) {
            throw new UserException("checksum index " + indexFile + " names manifest '" + name
                    + "', which is not in " + indexFile.getParent() + "; add the file or fix the index");
        }
        return manifest;
    }

    /** Returns the folder the index was loaded from, or null for {@link #empty()}. */
    public Path directory() {
        return directory;
    }

    /** Returns every known manifest, sorted by name. */
    public List<Manifest> manifests() {
        return manifests.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    public List<KnownModel> models() {
        return models;
    }

    /**
     * Finds the known model that a payload decodes to: the one whose decoded manifest lists exactly
     * {@code files}, else the one whose decoded manifest is named after {@code modelName}.
     */
    public Optional<KnownModel> modelFor(String modelName, Set<String> files) {
        for (KnownModel model : models) {
            if (model.decoded().hashes().keySet().equals(files)) {
                return Optional.of(model);
            }
        }
        return models.stream().filter(m -> m.decoded().treeName().equals(modelName)).findFirst();
    }

    /** Returns the known model whose decoded manifest is {@code manifest}, by name. */
    public Optional<KnownModel> modelWithDecoded(Manifest manifest) {
        return models.stream().filter(m -> m.decoded().name().equals(manifest.name())).findFirst();
    }

    /**
     * Picks the manifest that best matches a folder's files: an exact match of the file sets, else
     * the manifest sharing the most files, if it shares at least half of both sets.
     *
     * @return the manifest, or empty if none matches well enough
     */
    public Optional<Manifest> manifestFor(Set<String> files) {
        Manifest best = null;
        int bestShared = 0;
        for (Manifest manifest : manifests.values()) {
            Set<String> listed = manifest.hashes().keySet();
            if (listed.equals(files)) {
                return Optional.of(manifest);
            }
            Set<String> shared = new HashSet<>(listed);
            shared.retainAll(files);
            if (shared.size() > bestShared && 2 * shared.size() >= listed.size() && 2 * shared.size() >= files.size()) {
                best = manifest;
                bestShared = shared.size();
            }
        }
        return Optional.ofNullable(best);
    }
}
