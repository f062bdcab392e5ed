package dev.xormount.codec;

import dev.xormount.UserException;

/** A file was written completely, but its digest differs from the one its manifest lists. */
public final class ChecksumMismatchException extends UserException {
    private static final long serialVersionUID = 1L;

    public ChecksumMismatchException(String message) {
        super(message);
    }
}
