package dev.xormount.codec;

/**
 * Receives progress of a decode or encode run, for display. Calls come from the thread running
 * the job except {@link #advanced}, which the writer thread also calls.
 */
public interface Progress {
    /** A listener that shows nothing. */
    Progress NONE = new Progress() {};

    /** Called once before any file is written, with the totals of the files to be written. */
    default void started(int files, long totalBytes) {}

    /** Called when work on {@code name} starts; {@code action} is "decoding", "checking" or similar. */
    default void fileStarted(String name, String action, long size) {}

    /** Called as output bytes are written; {@code bytes} counts only the newly written ones. */
    default void advanced(long bytes) {}

    /** Called when {@code name} is done; {@code outcome} describes the result, for example "md5 verified". */
    default void fileFinished(String name, String outcome) {}

    /** Called once after the last file, also after a failure. */
    default void finished() {}
}
