package dev.xormount.checksum;

/**
 * The result of checking one file against a manifest.
 *
 * @param path path relative to the checked folder, '/' separated
 * @param outcome what the check found
 * @param expected digest from the manifest, or null for {@link Outcome#EXTRA}
 * @param actual digest of the file, or null unless the file was hashed
 * @param note likely cause of a mismatch or the read error, or null when none is known
 */
public record FileCheck(String path, Outcome outcome, String expected, String actual, String note) {
    /** The outcome of a check, named as {@code verify} prints it. */
    public enum Outcome {
        OK, MISMATCH, MISSING, EXTRA,
        /** The file exists but reading it failed, for example with EIO from a mount that refuses it. */
        UNREADABLE;

        public boolean isFailure() {
            return this != OK;
        }
    }

    /** Returns the line {@code verify} prints for this file. */
    public String line() {
        return switch (outcome) {
            case OK -> String.format("OK        %s", path);
            case MISMATCH -> String.format("MISMATCH  %s  expected %s  actual %s%s", path, expected, actual,
                    note == null ? "" : "  (" + note + ")");
            case MISSING -> String.format("MISSING   %s  expected %s", path, expected);
            case EXTRA -> String.format("EXTRA     %s  not in the manifest", path);
            case UNREADABLE -> String.format("UNREADABLE  %s  %s", path, note);
        };
    }
}
