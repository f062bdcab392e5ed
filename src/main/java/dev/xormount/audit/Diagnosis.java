package dev.xormount.audit;

/**
 * The reason a decoded file does not match its published md5.
 *
 * @param side the source at fault
 * @param cause the likely cause and what to do, as one sentence for a log line or the status file
 */
public record Diagnosis(Side side, String cause) {
    /** The source a mismatch is blamed on. */
    public enum Side {
        BASE, PAYLOAD, UNKNOWN
    }
}
