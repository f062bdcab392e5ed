package dev.xormount.audit;

/** The action a mount takes on reads of a file whose decoded md5 does not match. */
public enum MismatchPolicy {
    /** Reads fail with EIO. */
    EIO,
    /** Reads go on; the mismatch is only logged and shown in the status file. */
    WARN
}
