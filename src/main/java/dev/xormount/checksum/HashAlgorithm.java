package dev.xormount.checksum;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The digest algorithms of checksum manifests, distinguished by the length of their hex digests. */
public enum HashAlgorithm {
    MD5("MD5", "md5", 32),
    SHA256("SHA-256", "sha256", 64);

    private final String standardName;
    private final String toolName;
    private final int hexLength;

    HashAlgorithm(String standardName, String toolName, int hexLength) {
        this.standardName = standardName;
        this.toolName = toolName;
        this.hexLength = hexLength;
    }

    /** Returns the name {@link MessageDigest#getInstance(String)} takes, for example "SHA-256". */
    public String standardName() {
        return standardName;
    }

    /** Returns the name the command-line tools use, "md5" or "sha256", for messages. */
    public String toolName() {
        return toolName;
    }

    /** Returns the number of hex digits of one digest. */
    public int hexLength() {
        return hexLength;
    }

    /** Returns a new digest; every Java runtime provides both algorithms. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(standardName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(standardName + " is required of every Java runtime", e);
        }
    }

    /** Returns the algorithm whose digests have {@code hexLength} hex digits, or null if none has. */
    public static HashAlgorithm ofHexLength(int hexLength) {
        for (HashAlgorithm algorithm : values()) {
            if (algorithm.hexLength == hexLength) {
                return algorithm;
            }
        }
        return null;
    }
}
