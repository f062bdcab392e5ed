package dev.xormount.model;

import java.util.Set;

/**
 * Checksum manifests that {@code xormount encode} writes at the root of a payload folder, so a
 * publisher ships them with the payload.
 *
 * <p>The scanner skips these names at the payload root, so a payload folder that contains them
 * mounts and decodes to exactly the fine-tune's files. {@code decode} uses {@link #DECODED_MD5}
 * as its manifest when the user gives none.
 */
public final class PublishedManifests {
    /** md5 of every decoded (fine-tune) file, in {@code md5sum} format. */
    public static final String DECODED_MD5 = "checksums-decoded.md5";
    /** md5 of every base file the payload needs, in {@code md5sum} format. */
    public static final String BASE_MD5 = "checksums-base.md5";
    /** sha256 of every payload file, in {@code sha256sum} format, to catch truncated downloads. */
    public static final String PAYLOAD_SHA256 = "checksums-payload.sha256";

    private static final Set<String> NAMES = Set.of(DECODED_MD5, BASE_MD5, PAYLOAD_SHA256);

    private PublishedManifests() {}

    /** Returns true if {@code relativePath} ('/' separators) is one of the manifests at the payload root. */
    public static boolean isManifest(String relativePath) {
        return NAMES.contains(relativePath);
    }
}
