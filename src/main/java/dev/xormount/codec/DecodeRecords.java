package dev.xormount.codec;

import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of finished files that {@code decode} keeps in a hidden file of the output folder, so
 * a rerun skips a file without hashing it again while neither the output nor its sources changed.
 *
 * <p>One tab-separated line per file: algorithm, hex digest, output size, output modification
 * time in nanoseconds, output inode, source stamp, relative name. The source stamp joins size,
 * modification time and inode of the payload and base files, so a new payload or base download
 * invalidates the record.
 */
final class DecodeRecords {
    static final String FILE_NAME = ".xormount-decoded";
    private static final Logger log = LoggerFactory.getLogger(DecodeRecords.class);

    /** One finished file: its digest and the identity of the output and its sources when it was written. */
    record Entry(String algorithm, String digest, long size, long modifiedNanos, long inode, String sourceStamp) {}

    private final Path file;
    private final Map<String, Entry> entries;

    private DecodeRecords(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** Loads the records of {@code outputRoot}; a missing or unreadable record file gives an empty record. */
    static DecodeRecords load(Path outputRoot) {
        Path file = outputRoot.resolve(FILE_NAME);
        Map<String, Entry> entries = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", 7);
                if (fields.length == 7) {
                    entries.put(fields[6], new Entry(fields[0], fields[1], Long.parseLong(fields[2]),
                            Long.parseLong(fields[3]), Long.parseLong(fields[4]), fields[5]));
                }
            }
        } catch (NoSuchFileException e) {
            // First run into this folder.
        } catch (IOException | NumberFormatException e) {
            log.warn("Ignoring the unreadable decode record {}: {}; existing files are checked again", file, e.toString());
            entries.clear();
        }
        return new DecodeRecords(file, entries);
    }

    /**
     * Returns the recorded entry for {@code name} if the output file at {@code target} and the
     * sources of {@code decoded} are still the ones recorded, else null.
     */
    Entry current(String name, Path target, DecodedFile decoded) throws IOException {
        Entry entry = entries.get(name);
        if (entry == null || !entry.sourceStamp().equals(sourceStamp(decoded))) {
            return null;
        }
        Entry now = describe(target, entry.algorithm(), entry.digest(), decoded);
        return now.equals(entry) ? entry : null;
    }

    /** Records {@code target} as a complete decode of {@code decoded} with {@code digest} and saves the record file. */
    void put(String name, Path target, DecodedFile decoded, String algorithm, String digest) throws IOException {
        if (name.indexOf('\n') >= 0 || name.indexOf('\t') >= 0) {
            // NOTE: names with tabs or newlines are not recorded, so a rerun hashes them again.
            return;
        }
        entries.put(name, describe(target, algorithm, digest, decoded));
        StringBuilder text = new StringBuilder();
        entries.forEach((key, e) -> text.append(String.join("\t", e.algorithm(), e.digest(), Long.toString(e.size()),
                Long.toString(e.modifiedNanos()), Long.toString(e.inode()), e.sourceStamp(), key)).append('\n'));
        PartialFile.writeString(file, text.toString());
    }

    private static Entry describe(Path target, String algorithm, String digest, DecodedFile decoded) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object inode = Files.getAttribute(target, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        return new Entry(algorithm, digest, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                ((Number) inode).longValue(), sourceStamp(decoded));
    }

    private static String sourceStamp(DecodedFile decoded) {
        String payload = stamp(decoded.payload());
        return decoded.isPlain() ? payload + "+plain" : payload + "+" + stamp(decoded.base());
    }

    private static String stamp(SourceFile source) {
        return source.size() + ":" + source.modified().to(TimeUnit.NANOSECONDS) + ":" + source.inode();
    }
}
