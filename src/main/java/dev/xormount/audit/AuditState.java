package dev.xormount.audit;

/** The progress of the audit of one decoded file. */
public enum AuditState {
    /** Waiting to be hashed. */
    PENDING,
    /** Being hashed now; the status shows the bytes done. */
    IN_PROGRESS,
    /** The decoded md5 matches the manifest. */
    VERIFIED,
    /** The decoded md5 differs from the manifest; the diagnosis names the side at fault. */
    MISMATCH,
    /** Not checked: no manifest lists the file, or the audit is off. */
    UNCHECKED,
    /** Hashing failed with an I/O error, which the diagnosis contains. */
    FAILED;

    /** Returns true for a state the audit will not change again during this mount. */
    public boolean isFinal() {
        return this == VERIFIED || this == MISMATCH || this == UNCHECKED || this == FAILED;
    }
}
