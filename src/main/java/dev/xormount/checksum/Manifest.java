package dev.xormount.checksum;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An md5 manifest in the text format of GNU {@code md5sum}: one {@code <32 hex digits>  <path>}
 * line per file, where a '*' in place of the second space marks binary mode.
 *
 * <p>Paths are relative with '/' separators; a leading "./" is dropped when reading and never
 * written. Hashes are stored in lower case. Blank lines and lines starting with '#' are skipped.
 *
 * @param name the manifest's file name, for example {@code tiny-llama-sft.md5}
 * @param hashes md5 in lower-case hex by relative path, sorted by path
 */
public record Manifest(String name, SortedMap<String, String> hashes) {
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{32}) [ *](.+)");

    public Manifest {
        hashes = Collections.unmodifiableSortedMap(new TreeMap<>(hashes));
    }

    /**
     * Reads the manifest at {@code file}.
     *
     * @throws UserException if the file is missing or a line is not in md5sum format
     */
    public static Manifest read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("checksum file " + file + " not found; pass an existing md5sum manifest", e);
        }
        return parse(file.getFileName().toString(), text);
    }

    /**
     * Parses manifest text.
     *
     * @param name the manifest's name, used in messages
     * @throws UserException naming the line number if a line is invalid or a path repeats
     */
    public static Manifest parse(String name, String text) {
        SortedMap<String, String> hashes = new TreeMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                throw new UserException("invalid line " + (i + 1) + " in checksum file " + name + ": '" + line
                        + "'; expected '<32 hex digits>  <path>' as md5sum prints it");
            }
            String path = normalize(matcher.group(2));
            if (hashes.put(path, matcher.group(1).toLowerCase(java.util.Locale.ROOT)) != null) {
                throw new UserException("checksum file " + name + " lists " + path + " twice (line " + (i + 1)
                        + "); keep one line per file");
            }
        }
        if (hashes.isEmpty()) {
            throw new UserException("checksum file " + name + " lists no files; pass an md5sum manifest");
        }
        return new Manifest(name, hashes);
    }

    /** Returns the manifest text: one md5sum line per file, sorted by path. */
    public String format() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> entry : hashes.entrySet()) {
            text.append(entry.getValue()).append("  ").append(entry.getKey()).append('\n');
        }
        return text.toString();
    }

    /** Writes {@link #format()} to {@code file}. */
    public void write(Path file) throws IOException {
        Files.writeString(file, format(), StandardCharsets.UTF_8);
    }

    /** Returns the expected md5 of {@code path}, or null if the manifest does not list it. */
    public String hashOf(String path) {
        return hashes.get(path);
    }

    /** Returns the manifest's name without the {@code .md5} suffix, for example the model's name. */
    public String treeName() {
        return name.endsWith(".md5") ? name.substring(0, name.length() - 4) : name;
    }

    private static String normalize(String path) {
        String result = path;
        while (result.startsWith("./")) {
            result = result.substring(2);
        }
        return result;
    }
}
