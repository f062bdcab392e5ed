package dev.xormount.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Reads the kernel's mount table and unmounts FUSE file systems with the system's tools. */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One line of {@code /proc/self/mountinfo}: where a file system is mounted and its type. */
    public record Entry(Path mountpoint, String type, String source) {}

    private MountTable() {}

    /** Returns the mount at exactly {@code mountpoint} (the topmost one if stacked), if any. */
    public static Optional<Entry> find(Path mountpoint) throws IOException {
        Path wanted = mountpoint.toAbsolutePath().normalize();
        Entry found = null;
        for (Entry entry : entries()) {
            if (entry.mountpoint().equals(wanted)) {
                found = entry;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Returns every mount, in the kernel's order. */
    public static List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
            // Fields: id parent major:minor root mountpoint options [optional...] - type source superopts
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 2 >= fields.length) {
                continue;
            }
            entries.add(new Entry(Path.of(unescape(fields[4])), fields[separator + 1], unescape(fields[separator + 2])));
        }
        return entries;
    }

    /**
     * Unmounts the FUSE file system at {@code mountpoint} with {@code fusermount -u}, falling back
     * to {@code umount} (which works for root when fusermount is not installed).
     *
     * @param lazy detach now and finish when the last file is closed ({@code -z}/{@code -l}); also
     *     clears a mount whose daemon died ("Transport endpoint is not connected")
     * @return the error output of the last tool tried, or null on success
     */
    public static String unmount(Path mountpoint, boolean lazy) {
        String path = mountpoint.toAbsolutePath().toString();
        List<List<String>> attempts = List.of(
                lazy ? List.of("fusermount", "-u", "-z", path) : List.of("fusermount", "-u", path),
                lazy ? List.of("umount", "-l", path) : List.of("umount", path));
        String lastError = null;
        for (List<String> command : attempts) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    lastError = String.join(" ", command) + " timed out";
                    continue;
                }
                if (process.exitValue() == 0) {
                    return null;
                }
                lastError = output.isEmpty() ? String.join(" ", command) + " exited with " + process.exitValue() : output;
            } catch (IOException e) {
                lastError = command.get(0) + " could not be run: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while unmounting " + path;
            }
        }
        return lastError;
    }

    /** Decodes the octal escapes ({@code \040} for a space) the kernel writes in mountinfo. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                String octal = field.substring(i + 1, i + 4);
                if (octal.chars().allMatch(d -> d >= '0' && d <= '7')) {
                    out.append((char) Integer.parseInt(octal, 8));
                    i += 3;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
