package dev.xormount.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks the files of a folder against a checksum manifest, hashing several files at once.
 *
 * <p>Entries whose name starts with '.' ({@code .git}, {@code .gitattributes}, a mount's status
 * file) are not part of the folder's file set; symlinks are followed.
 */
public final class Verifier {
    private final int threads;
    private final AtomicLong bytesDone = new AtomicLong();

    /** @param threads files hashed at the same time, at least 1 */
    public Verifier(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    /** Returns the bytes hashed so far by the running {@link #verify} call, for progress output. */
    public long bytesDone() {
        return bytesDone.get();
    }

    /** Returns the sorted relative paths of the regular files under {@code folder}, skipping hidden entries. */
    public static SortedMap<String, Path> listFiles(Path folder) throws IOException {
        SortedMap<String, Path> files = new TreeMap<>();
        walk(folder, "", files);
        return files;
    }

    /** Returns the bytes {@link #verify} will hash: the files of {@code files} that {@code manifest} lists. */
    public static long bytesToHash(SortedMap<String, Path> files, Manifest manifest) throws IOException {
        long total = 0;
        for (Map.Entry<String, Path> entry : files.entrySet()) {
            if (manifest.hashes().containsKey(entry.getKey())) {
                total += Files.size(entry.getValue());
            }
        }
        return total;
    }

    /**
     * Checks {@code files} (from {@link #listFiles}) against {@code manifest}.
     *
     * @return one result per path of either side, sorted by path; a file that cannot be read is {@code UNREADABLE}
     */
    public List<FileCheck> verify(SortedMap<String, Path> files, Manifest manifest) throws InterruptedException {
        bytesDone.set(0);
        SortedMap<String, Future<FileCheck>> pending = new TreeMap<>();
        List<FileCheck> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "verify");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (Map.Entry<String, String> entry : manifest.hashes().entrySet()) {
                Path file = files.get(entry.getKey());
                if (file == null) {
                    results.add(new FileCheck(entry.getKey(), FileCheck.Outcome.MISSING, entry.getValue(), null, null));
                } else {
                    pending.put(entry.getKey(), pool.submit(() -> check(entry.getKey(), file, manifest.algorithm(), entry.getValue())));
                }
            }
            for (String path : files.keySet()) {
                if (!manifest.hashes().containsKey(path)) {
                    results.add(new FileCheck(path, FileCheck.Outcome.EXTRA, null, null, null));
                }
            }
            for (Future<FileCheck> future : pending.values()) {
                results.add(await(future));
            }
        } finally {
            pool.shutdownNow();
        }
        results.sort((a, b) -> a.path().compareTo(b.path()));
        return results;
    }

    private FileCheck check(String path, Path file, HashAlgorithm algorithm, String expected) {
        long[] last = {0};
        try {
            String actual = Digests.ofFile(algorithm, file, ByteBuffer.allocateDirect(Digests.READ_SIZE), done -> {
                bytesDone.addAndGet(done - last[0]);
                last[0] = done;
            });
            if (actual.equals(expected)) {
                return new FileCheck(path, FileCheck.Outcome.OK, expected, actual, null);
            }
            return new FileCheck(path, FileCheck.Outcome.MISMATCH, expected, actual, likelyCause(path, file, algorithm, expected));
        } catch (IOException e) {
            return new FileCheck(path, FileCheck.Outcome.UNREADABLE, expected, null, "read failed: " + e.getMessage());
        }
    }

    /** Returns the likely cause of {@code file} not matching {@code expected}, or null if none is known. */
    static String likelyCause(String path, Path file, HashAlgorithm algorithm, String expected) throws IOException {
        if (KnownDefects.isLfsPointer(file)) {
            return "a git-lfs pointer, not the data: run 'git lfs pull'";
        }
        if (path.endsWith(".json") && KnownDefects.matchesAfterCrlfRepair(file, algorithm, expected)) {
            return "CRLF line endings: the file matches once converted to LF";
        }
        if (KnownDefects.isTruncatedZip(file)) {
            return "truncated: the zip archive has no end record, download it again";
        }
        return null;
    }

    private static FileCheck await(Future<FileCheck> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // check() turns every I/O error into an UNREADABLE result, so only bugs arrive here.
            throw new IllegalStateException("verifying a file failed", e.getCause());
        }
    }

    private static void walk(Path dir, String prefix, SortedMap<String, Path> files) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".")) {
                continue;
            }
            if (Files.isDirectory(entry)) {
                walk(entry, prefix + name + "/", files);
            } else if (Files.isRegularFile(entry)) {
                files.put(prefix + name, entry);
            }
        }
    }
}
