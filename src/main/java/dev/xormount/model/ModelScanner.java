package dev.xormount.model;

import dev.xormount.UserException;
import dev.xormount.checksum.KnownDefects;
import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a base and a payload folder and pairs their files into a {@link Model}.
 *
 * <p>Rules, matching the publishers' script where it has one:
 * <ul>
 *   <li>every regular file of the payload folder, in any sub-folder, becomes a decoded file of the
 *       same relative path; base files the payload lacks are not shown;</li>
 *   <li>entries whose name starts with '.' ({@code .git}, {@code .gitattributes}, the
 *       {@code .cache} folder of {@code huggingface-cli download}) are ignored on both sides;</li>
 *   <li>symlinks are followed (the Hugging Face hub cache links snapshots into its blob store); a
 *       link to anything but a regular file is reported and not served;</li>
 *   <li>a payload folder that contains exactly one sub-folder and no file the base also has is a
 *       nested download, and the scan descends into that sub-folder;</li>
 *   <li>a payload file that is not plain and has no base counterpart stops the scan, unless
 *       {@code skipMissing} is set, when it is left out as the publishers' script does;</li>
 *   <li>the checksum manifests that {@code encode} writes at the payload root
 *       ({@link PublishedManifests}) are not model files and are skipped.</li>
 * </ul>
 */
public final class ModelScanner {
    private static final Logger log = LoggerFactory.getLogger(ModelScanner.class);

    /** Bytes read from the start of each payload file to recognize LFS pointers and gzip streams. */
    private static final int HEAD_BYTES = 32;
    /** gzip magic plus the deflate method byte (RFC 1952); three bytes make a false match on XOR data unlikely (1 in 16.7 million). */
    private static final byte[] GZIP_PREFIX = {0x1f, (byte) 0x8b, 0x08};

    private final PlainRules plainRules;
    private final boolean skipMissing;

    public ModelScanner(PlainRules plainRules, boolean skipMissing) {
        this.plainRules = plainRules;
        this.skipMissing = skipMissing;
    }

    /**
     * Scans {@code payloadDir} against {@code baseDir} and opens every decoded file.
     *
     * @param name the model's folder name in the mount
     * @throws UserException for any problem the user has to fix; the message names the path
     */
    public Model scan(String name, Path baseDir, Path payloadDir) throws IOException {
        Path base = checkFolder(baseDir, "base", "--base");
        Path payload = checkFolder(payloadDir, "payload", "--payload");
        if (Files.isSameFile(base, payload)) {
            throw new UserException("base and payload are the same folder " + baseDir
                    + "; pass the base model with --base and the XOR payload with --payload");
        }
        payload = descendNested(payload, base);

        SortedMap<String, Path> payloadFiles = new TreeMap<>();
        SortedSet<String> directories = new TreeSet<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        walk(payload, "", payloadFiles, directories, skipped);
        payloadFiles.keySet().removeIf(PublishedManifests::isManifest);
        if (payloadFiles.isEmpty()) {
            throw new UserException("payload folder " + payloadDir + " holds no files"
                    + "; check that the download finished and that --payload names the XOR payload folder");
        }

        List<String> missingBase = new ArrayList<>();
        List<String> lfsPointers = new ArrayList<>();
        List<String> gzipped = new ArrayList<>();
        SortedMap<String, SourceFile[]> pairs = new TreeMap<>();
        for (Map.Entry<String, Path> entry : payloadFiles.entrySet()) {
            String relative = entry.getKey();
            SourceFile payloadFile = SourceFile.inspect(entry.getValue());
            byte[] head = readHead(payloadFile.realPath(), HEAD_BYTES);
            boolean plain = plainRules.isPlain(relative);
            if (KnownDefects.isLfsPointer(head, payloadFile.size())) {
                lfsPointers.add(relative);
                continue;
            }
            if (!plain && startsWith(head, GZIP_PREFIX)) {
                gzipped.add(relative);
                continue;
            }
            SourceFile baseFile = null;
            if (!plain) {
                baseFile = findBase(base, relative);
                if (baseFile == null) {
                    missingBase.add(relative);
                    continue;
                }
            }
            pairs.put(relative, new SourceFile[] {payloadFile, baseFile});
        }

        if (!lfsPointers.isEmpty()) {
            throw new UserException("payload files in " + payload + " are Git LFS pointers, not data: "
                    + summarize(lfsPointers) + "; run 'git lfs pull' in the payload repository");
        }
        if (!gzipped.isEmpty()) {
            throw new UserException("payload files in " + payload + " are gzip-compressed (made with --compress): "
                    + summarize(gzipped) + "; gzip payloads are not served yet, so decompress each file under the same"
                    + " name into a new folder (for f in PAYLOAD/*; do zcat \"$f\" > NEW/\"${f##*/}\"; done) and pass that folder");
        }
        if (!missingBase.isEmpty()) {
            if (!skipMissing) {
                throw new UserException("base folder " + base + " lacks files the payload needs: "
                        + summarize(missingBase) + "; finish the base download, pass --plain GLOB if the publisher stored them"
                        + " unXORed, or pass --skip-missing to serve the rest");
            }
            for (String relative : missingBase) {
                log.warn("Leaving out {}: no base file {} to decode it with", relative, base.resolve(relative));
                skipped.put(relative, "no base file");
            }
        }

        SortedMap<String, DecodedFile> files = new TreeMap<>();
        try {
            for (Map.Entry<String, SourceFile[]> pair : pairs.entrySet()) {
                files.put(pair.getKey(), new DecodedFile(pair.getKey(), pair.getValue()[0], pair.getValue()[1]));
            }
        } catch (IOException e) {
            for (DecodedFile file : files.values()) {
                file.close();
            }
            throw new UserException("cannot open " + e.getMessage() + "; check the file's permissions", e);
        }
        directories.removeIf(dir -> files.keySet().stream().noneMatch(f -> f.startsWith(dir + "/")));
        return new Model(name, payload, base, files, directories, skipped);
    }

    /**
     * Resolves {@code folder} and checks that it is a readable folder.
     *
     * @param role "base" or "payload", for messages
     * @param option the command-line option that sets the folder, for messages
     */
    public static Path checkFolder(Path folder, String role, String option) {
        if (!Files.exists(folder)) {
            throw new UserException(role + " folder " + folder + " not found; pass an existing folder with " + option);
        }
        if (!Files.isDirectory(folder)) {
            throw new UserException(role + " path " + folder + " is a file, not a folder; pass the folder that contains it with " + option);
        }
        if (!Files.isReadable(folder) || !Files.isExecutable(folder)) {
            throw new UserException(role + " folder " + folder + " is not readable by this user; fix its permissions or run as its owner");
        }
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            throw new UserException(role + " folder " + folder + " cannot be resolved (" + e.getMessage() + "); check the path", e);
        }
    }

    private Path descendNested(Path payload, Path base) throws IOException {
        Path current = payload;
        Set<Path> visited = new HashSet<>();
        while (visited.add(current)) {
            List<Path> entries = visibleEntries(current);
            List<Path> folders = entries.stream().filter(Files::isDirectory).toList();
            boolean anyFileInBase = entries.stream()
                    .filter(Files::isRegularFile)
                    .anyMatch(p -> Files.isRegularFile(base.resolve(p.getFileName().toString())));
            boolean hasManifest = entries.stream().anyMatch(p -> PublishedManifests.isManifest(p.getFileName().toString()));
            if (folders.size() != 1 || anyFileInBase || hasManifest) {
                return current;
            }
            Path inner = folders.get(0).toRealPath();
            log.info("Payload folder {} holds a single folder and no model files; using {}", current, inner);
            current = inner;
        }
        return current;
    }

    /**
     * Lists every regular file below {@code dir} by relative path ('/' separators), following
     * symlinks and skipping hidden entries, as the scan does.
     *
     * @param directories receives every sub-folder, relative to {@code dir}
     * @param skipped receives entries that are not regular files, with the reason for each
     */
    public static SortedMap<String, Path> listFiles(Path dir, SortedSet<String> directories, Map<String, String> skipped) throws IOException {
        SortedMap<String, Path> files = new TreeMap<>();
        walk(dir, "", files, directories, skipped);
        return files;
    }

    private static void walk(Path dir, String prefix, SortedMap<String, Path> files, SortedSet<String> directories,
                             Map<String, String> skipped) throws IOException {
        for (Path entry : visibleEntries(dir)) {
            String relative = prefix + entry.getFileName();
            if (Files.isDirectory(entry) && Files.isSymbolicLink(entry)) {
                // Following folder links could loop (a link to an ancestor) or pull in unrelated
                // trees; the Hugging Face hub cache links files, never folders.
                String reason = "a symlink to a folder, which is not followed";
                log.warn("Not serving payload entry {}: {}", entry, reason);
                skipped.put(relative, reason);
            } else if (Files.isDirectory(entry)) {
                directories.add(relative);
                walk(entry, relative + "/", files, directories, skipped);
            } else if (Files.isRegularFile(entry)) {
                files.put(relative, entry);
            } else {
                String reason = describeIrregular(entry);
                log.warn("Not serving payload entry {}: {}", entry, reason);
                skipped.put(relative, reason);
            }
        }
    }

    /** Returns the base file for {@code relative}, or null if the base has no regular file there. */
    public static SourceFile findBase(Path base, String relative) throws IOException {
        Path candidate = base.resolve(relative);
        if (Files.isRegularFile(candidate)) {
            return SourceFile.inspect(candidate);
        }
        if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
            log.warn("Base entry {} is {}, so it cannot decode {}", candidate, describeIrregular(candidate), relative);
        }
        return null;
    }

    /** Joins {@code names} for a one-line message: all of them up to 12, else the first 10 and a count. */
    static String summarize(List<String> names) {
        if (names.size() <= 12) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 10)) + " and " + (names.size() - 10) + " more";
    }

    private static List<Path> visibleEntries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                if (!entry.getFileName().toString().startsWith(".")) {
                    entries.add(entry);
                }
            }
        }
        entries.sort(null);
        return entries;
    }

    private static String describeIrregular(Path entry) {
        if (Files.isSymbolicLink(entry) && !Files.exists(entry)) {
            try {
                return "a dangling symlink to " + Files.readSymbolicLink(entry);
            } catch (IOException e) {
                return "a dangling symlink";
            }
        }
        if (Files.isDirectory(entry)) {
            return "a folder";
        }
        return "not a regular file (device, FIFO or socket)";
    }

    private static byte[] readHead(Path file, int length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(length);
        } catch (NoSuchFileException e) {
            throw new UserException("payload file " + file + " vanished during the scan; wait for the download to finish", e);
        } catch (AccessDeniedException e) {
            throw new UserException("payload file " + file + " is not readable by this user; fix its permissions", e);
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
