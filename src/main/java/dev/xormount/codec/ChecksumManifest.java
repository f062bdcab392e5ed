package dev.xormount.codec;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checksum manifest in the text format of GNU {@code md5sum} and {@code sha256sum}: one line per
 * file, the lowercase hex digest, a space, a space or '*' (binary mode), then the path relative to
 * the folder the manifest describes. A leading "./" in a path is dropped.
 *
 * @param source the file the manifest was read from, for messages; null for one built in memory
 * @param algorithm "MD5" or "SHA-256", as {@link MessageDigest} names them
 * @param entries hex digest by relative path ('/' separators), sorted
 */
public record ChecksumManifest(Path source, String algorithm, SortedMap<String, String> entries) {
    public static final String MD5 = "MD5";
    public static final String SHA256 = "SHA-256";

    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{32}|[0-9a-fA-F]{64}) [ *](.+)");

    public ChecksumManifest {
        entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    /**
     * Reads {@code file}; the algorithm follows from the digest length (32 hex digits for md5, 64
     * for sha256), and every line must use the same one. Blank lines are ignored.
     *
     * @throws UserException naming the file and line when it is missing or not in this format
     */
    public static ChecksumManifest read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("checksum manifest " + file + " not found; pass an existing md5sum file with --checksums", e);
        } catch (IOException e) {
            throw new UserException("checksum manifest " + file + " cannot be read (" + e.getMessage() + "); check the path and its permissions", e);
        }
        SortedMap<String, String> entries = new TreeMap<>();
        String algorithm = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                throw new UserException("line " + (i + 1) + " of checksum manifest " + file + " is not '<hex digest>  <file name>'"
                        + "; pass a manifest written by md5sum or sha256sum");
            }
            String digest = matcher.group(1).toLowerCase(Locale.ROOT);
            String lineAlgorithm = digest.length() == 32 ? MD5 : SHA256;
            if (algorithm != null && !algorithm.equals(lineAlgorithm)) {
                throw new UserException("checksum manifest " + file + " mixes md5 and sha256 digests (line " + (i + 1)
                        + "); pass a manifest with one kind of digest");
            }
            algorithm = lineAlgorithm;
            String name = matcher.group(2).startsWith("./") ? matcher.group(2).substring(2) : matcher.group(2);
            entries.put(name, digest);
        }
        if (entries.isEmpty()) {
            throw new UserException("checksum manifest " + file + " lists no files; pass a manifest written by md5sum or sha256sum");
        }
        return new ChecksumManifest(file, algorithm, entries);
    }

    /** Writes {@code entries} to {@code file} in md5sum/sha256sum format, sorted by path, replacing it atomically. */
    public static void write(Path file, Map<String, String> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(entries).forEach((name, digest) -> text.append(digest).append("  ").append(name).append('\n'));
        try (PartialFile partial = PartialFile.create(file)) {
            partial.channel().write(StandardCharsets.UTF_8.encode(text.toString()));
            partial.commit();
        }
    }

    /** Returns the expected digest of {@code name}, or null if the manifest does not list it. */
    public String digestOf(String name) {
        return entries.get(name);
    }

    /** Returns a new digest of this manifest's algorithm. */
    public MessageDigest newDigest() {
        return newDigest(algorithm);
    }

    /** Returns a new digest for {@code algorithm}, which every Java runtime provides. */
    static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every Java runtime", e);
        }
    }

    /** Returns "md5" or "sha256", as the command-line tools name the algorithm. */
    public String toolName() {
        return algorithm.equals(MD5) ? "md5" : "sha256";
    }
}
