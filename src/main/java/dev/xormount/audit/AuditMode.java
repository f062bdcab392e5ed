package dev.xormount.audit;

/** When a mount checks its decoded files against their published md5. */
public enum AuditMode {
    /** Never. */
    OFF,
    /** After the mount serves, on one low-priority thread. */
    BACKGROUND,
    /** Before the mount serves; a file found wrong is never served. */
    FIRST
}
