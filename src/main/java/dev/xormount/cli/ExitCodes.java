package dev.xormount.cli;

/** Exit codes of every command. */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /** An unexpected failure: a bug, or an I/O error whose message gives no fix. */
    public static final int FAILURE = 1;
    /** The command line itself is invalid (unknown option, missing argument). */
    public static final int USAGE = 2;
    /** The input or environment is wrong in a way the message explains (bad folder, no FUSE). */
    public static final int BAD_INPUT = 3;
    /** A check ran and found files that do not match their checksums. */
    public static final int CHECK_FAILED = 4;

    private ExitCodes() {}
}
