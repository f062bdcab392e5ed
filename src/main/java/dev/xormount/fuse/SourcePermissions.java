package dev.xormount.fuse;

import dev.xormount.decode.SourceFile;

/**
 * Owner, group and read bits of a decoded file, derived from its payload and base so that the
 * kernel ({@code default_permissions}) lets a user read the decoded file only if that user may read
 * both sources.
 *
 * <p>One owner, group and mode cannot always express "may read both" exactly, because the two
 * sources may have different owners and groups and a user's group list is not known here. So the
 * result is conservative: each read bit is set only if every user in that class may read the
 * source whose owner and group are kept and, whatever class that user falls into, the other source
 * too. Of the two candidates (keep the base's owner, keep the payload's) the one granting more
 * read bits wins, the base's on a tie. Root reads regardless, as on any file system.
 *
 * @param uid owner reported for the decoded file
 * @param gid group reported for the decoded file
 * @param mode read bits only ({@code 0444} at most); decoded files are never writable or executable
 */
public record SourcePermissions(int uid, int gid, int mode) {
    // Read bits of each class; a mask of several stands for a set of classes.
    private static final int OWNER = 0400;
    private static final int GROUP = 0040;
    private static final int OTHER = 0004;

    /** Returns the permissions of a decoded file; {@code base} is null for a plain payload file. */
    public static SourcePermissions of(SourceFile payload, SourceFile base) {
        if (base == null) {
            return new SourcePermissions(payload.uid(), payload.gid(), payload.mode() & 0444);
        }
        SourcePermissions viaBase = keeping(base, payload);
        SourcePermissions viaPayload = keeping(payload, base);
        return Integer.bitCount(viaPayload.mode) > Integer.bitCount(viaBase.mode) ? viaPayload : viaBase;
    }

    /** Keeps {@code kept}'s owner and group and clears each read bit that {@code other} might deny. */
    private static SourcePermissions keeping(SourceFile kept, SourceFile other) {
        boolean sameOwner = kept.uid() == other.uid();
        boolean sameGroup = kept.gid() == other.gid();

        // The classes of `other` that a user of each class of `kept` may fall into.
        int ownerMayBe = sameOwner ? OWNER : GROUP | OTHER;
        int groupMayBe = (sameGroup ? GROUP : GROUP | OTHER) | (sameOwner ? 0 : OWNER);
        int otherMayBe = OTHER | (sameOwner ? 0 : OWNER) | (sameGroup ? 0 : GROUP);

        int mode = 0;
        if (readable(kept.mode(), OWNER) && readable(other.mode(), ownerMayBe)) {
            mode |= OWNER;
        }
        if (readable(kept.mode(), GROUP) && readable(other.mode(), groupMayBe)) {
            mode |= GROUP;
        }
        if (readable(kept.mode(), OTHER) && readable(other.mode(), otherMayBe)) {
            mode |= OTHER;
        }
        return new SourcePermissions(kept.uid(), kept.gid(), mode);
    }

    /** Returns true if {@code mode} has the read bit of every class in {@code classes}. */
    private static boolean readable(int mode, int classes) {
        return (mode & classes) == classes;
    }
}
