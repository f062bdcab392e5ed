package dev.xormount.checksum;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checksum manifest in the text format of GNU {@code md5sum} and {@code sha256sum}: one
 * {@code <hex digest>  <path>} line per file, where a '*' in place of the second space marks
 * binary mode. The digest length sets the algorithm: 32 hex digits for md5, 64 for sha256, and
 * one manifest uses one algorithm.
 *
 * <p>Paths are relative with '/' separators; a leading "./" is dropped when reading and never
 * written. Digests are stored in lower case. Blank lines and lines starting with '#' are skipped.
 *
 * @param name the manifest's file name, for example {@code tiny-llama-sft.md5}
 * @param source the file it was read from, or null for one parsed from text or built in memory
 * @param algorithm the algorithm of every digest
 * @param hashes lower-case hex digest by relative path, sorted by path
 */
public record Manifest(String name, Path source, HashAlgorithm algorithm, SortedMap<String, String> hashes) {
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]+) [ *](.+)");

    public Manifest {
        hashes = Collections.unmodifiableSortedMap(new TreeMap<>(hashes));
    }

    /**
     * Reads the manifest at {@code file}; messages name the file by its path.
     *
     * @throws UserException if the file is missing or unreadable, or its text is invalid as {@link #parse} describes
     */
    public static Manifest read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("checksum manifest " + file + " not found; pass an existing md5sum or sha256sum file"
                    + " with --checksums", e);
        } catch (IOException e) {
            throw new UserException("checksum manifest " + file + " cannot be read (" + e.getMessage()
                    + "); check the path and its permissions", e);
        }
        return parse(file.getFileName().toString(), file, text);
    }

    /**
     * Parses manifest text.
     *
     * @param name the manifest's name, used in messages
     * @throws UserException naming the line number if a line is invalid, a path repeats or the
     *     digest lengths differ, or if no line lists a file
     */
    public static Manifest parse(String name, String text) {
        return parse(name, null, text);
    }

    /**
     * Returns a manifest of digests just computed, for writing with {@link #format()}. It may be
     * empty, for example the base manifest of a payload whose files are all plain.
     *
     * @throws IllegalArgumentException if a digest is not lower-case hex of {@code algorithm}'s length
     */
    public static Manifest of(String name, HashAlgorithm algorithm, Map<String, String> hashes) {
        for (String digest : hashes.values()) {
            if (digest.length() != algorithm.hexLength() || !digest.matches("[0-9a-f]+")) {
                throw new IllegalArgumentException("manifest " + name + " needs lower-case " + algorithm.toolName()
                        + " digests, got " + digest);
            }
        }
        return new Manifest(name, null, algorithm, new TreeMap<>(hashes));
    }

    private static Manifest parse(String name, Path source, String text) {
        String location = source == null ? name : source.toString();
        SortedMap<String, String> hashes = new TreeMap<>();
        HashAlgorithm algorithm = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            HashAlgorithm lineAlgorithm = matcher.matches() ? HashAlgorithm.ofHexLength(matcher.group(1).length()) : null;
            if (lineAlgorithm == null) {
                throw new UserException("invalid line " + (i + 1) + " in checksum manifest " + location + ": '" + line
                        + "'; expected '<32 or 64 hex digits>  <path>' as md5sum or sha256sum prints it");
            }
            if (algorithm != null && lineAlgorithm != algorithm) {
                throw new UserException("checksum manifest " + location + " mixes md5 and sha256 digests (line " + (i + 1)
                        + "); pass a manifest with one kind of digest");
            }
            algorithm = lineAlgorithm;
            String path = normalize(matcher.group(2));
            if (hashes.put(path, matcher.group(1).toLowerCase(Locale.ROOT)) != null) {
                throw new UserException("checksum manifest " + location + " lists " + path + " twice (line " + (i + 1)
                        + "); keep one line per file");
            }
        }
        if (hashes.isEmpty()) {
            throw new UserException("checksum manifest " + location + " lists no files; pass a manifest written by md5sum or sha256sum");
        }
        return new Manifest(name, source, algorithm, hashes);
    }

    /** Returns the manifest text: one md5sum or sha256sum line per file, sorted by path. */
    public String format() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> entry : hashes.entrySet()) {
            text.append(entry.getValue()).append("  ").append(entry.getKey()).append('\n');
        }
        return text.toString();
    }

    /** Returns the expected digest of {@code path}, or null if the manifest does not list it. */
    public String hashOf(String path) {
        return hashes.get(path);
    }

    /**
     * Returns this manifest if its digests are of {@code expected}.
     *
     * @param user what needs that algorithm, for the message, for example "the mount audit"
     * @param fix what the user should do, for the message
     * @throws UserException naming the manifest, both algorithms and the fix otherwise
     */
    public Manifest requireAlgorithm(HashAlgorithm expected, String user, String fix) {
        if (algorithm != expected) {
            throw new UserException("checksum manifest " + location() + " lists " + algorithm.toolName() + " digests, but "
                    + user + " needs " + expected.toolName() + "; " + fix);
        }
        return this;
    }

    /** Returns the file the manifest was read from, else its name, for messages. */
    public String location() {
        return source == null ? name : source.toString();
    }

    /** Returns the manifest's name without the {@code .md5} or {@code .sha256} suffix, for example the model's name. */
    public String treeName() {
        for (String suffix : new String[] {".md5", ".sha256"}) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static String normalize(String path) {
        String result = path;
        while (result.startsWith("./")) {
            result = result.substring(2);
        }
        return result;
    }
}
