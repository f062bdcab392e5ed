package dev.xormount.fuse;

import dev.xormount.decode.DecodedFile;

/** Decides whether a decoded file may be served, for example after a checksum audit failed. */
@FunctionalInterface
public interface ReadGuard {
    /** A guard that serves every file. */
    ReadGuard ALLOW_ALL = file -> null;

    /**
     * Returns why {@code file} must not be served, or null if it may be. Called on every open and
     * read, so it must be cheap and thread-safe.
     */
    String refusal(DecodedFile file);
}
