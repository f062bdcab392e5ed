package dev.xormount.status;

import java.util.List;

/**
 * The content of a mount's status file, as JSON.
 *
 * @param audit progress of the checksum audit
 * @param files one entry per decoded file, in mount order
 * @param cache block cache counters since the mount started
 */
public record StatusReport(Audit audit, List<FileEntry> files, Cache cache) {

    /**
     * Audit progress over all models.
     *
     * @param mode "off", "background" or "first"
     * @param onMismatch "eio" or "warn"
     * @param filesTotal decoded files in the mount
     * @param filesDone files in a final state (verified, mismatch, unchecked, failed)
     * @param bytesTotal decoded bytes of the files a manifest lists
     * @param bytesDone decoded bytes hashed or settled by a saved result
     */
    public record Audit(String mode, String onMismatch, long filesTotal, long filesDone, long bytesTotal, long bytesDone) {}

    /**
     * One decoded file.
     *
     * @param model the model's folder in the mount
     * @param path the file's path in the model folder
     * @param size decoded size in bytes
     * @param state "pending", "in_progress", "verified", "mismatch", "unchecked" or "failed"
     * @param bytesDone bytes hashed so far
     * @param expected published md5, or null
     * @param actual md5 found, or null
     * @param side "base", "payload" or "unknown" for a mismatch, else null
     * @param cause the diagnosis of a mismatch or the error of a failure, else null
     * @param reused true if the result was read from the state folder instead of hashed in this mount
     */
    public record FileEntry(String model, String path, long size, String state, long bytesDone, String expected,
                            String actual, String side, String cause, boolean reused) {}

    /**
     * Block cache counters.
     *
     * @param bytesServed bytes returned to FUSE reads of decoded files
     */
    public record Cache(long hits, long misses, long evictions, long loadFailures, long bytesCached, long maxBytes,
                        long bytesServed) {}
}
