package dev.xormount.audit;

import dev.xormount.checksum.HashAlgorithm;
import dev.xormount.checksum.KnownDefects;
import dev.xormount.decode.DecodedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Names the side at fault when a decoded file does not match its published md5, by checking the
 * base file against the base manifest and the payload for known download defects.
 *
 * <p>Order of the checks: a payload that is a Git LFS pointer; then, when the base manifest lists
 * the file, the base's own md5 (a mismatch there blames the base, with CRLF line endings or
 * truncation as the cause when they explain it); then a decoded zip archive without its end
 * record (a truncated payload). A base that matches leaves the payload at fault.
 */
public final class Diagnoser {
    /** Hashes a whole file; the auditor passes one that honours its rate limit. */
    @FunctionalInterface
    public interface FileHasher {
        String md5(Path file) throws IOException, InterruptedException;
    }

    private final FileHasher hasher;

    public Diagnoser(FileHasher hasher) {
        this.hasher = hasher;
    }

    /**
     * Diagnoses a mismatch of {@code file}.
     *
     * @param expectedBaseMd5 md5 of the base file from the base manifest, or null if not published
     * @param baseManifest name of the base manifest, for the message
     */
    public Diagnosis diagnose(DecodedFile file, String expectedBaseMd5, String baseManifest) throws IOException, InterruptedException {
        Path payload = file.payload().realPath();
        if (KnownDefects.isLfsPointer(payload)) {
            return new Diagnosis(Diagnosis.Side.PAYLOAD, "the payload file " + file.payload().path()
                    + " is a git-lfs pointer, not the data; run 'git lfs pull' in the payload repository");
        }
        if (file.isPlain()) {
            return payloadAtFault(file, "the payload file " + file.payload().path()
                    + " is served as is (plain: added_tokens.json or a --plain glob)");
        }
        if (expectedBaseMd5 != null) {
            Path base = file.base().realPath();
            String baseMd5 = hasher.md5(base);
            if (!baseMd5.equals(expectedBaseMd5)) {
                return new Diagnosis(Diagnosis.Side.BASE, baseCause(file, expectedBaseMd5, baseMd5, baseManifest));
            }
            return payloadAtFault(file, "the base file matches " + baseManifest);
        }
        if (isDecodedZipTruncated(file)) {
            return truncatedPayload(file);
        }
        return new Diagnosis(Diagnosis.Side.UNKNOWN, "no published md5 for the base file " + file.base().path()
                + ", so the side at fault is unknown; check the base with 'xormount verify'");
    }

    private static String baseCause(DecodedFile file, String expected, String actual, String baseManifest) throws IOException {
        Path base = file.base().realPath();
        String prefix = "the base file " + file.base().path() + " has md5 " + actual + ", not " + expected
                + " as " + baseManifest + " lists";
        if (file.name().endsWith(".json") && KnownDefects.matchesAfterCrlfRepair(base, HashAlgorithm.MD5, expected)) {
            return prefix + ": it has CRLF line endings (rewritten by Git or an editor on Windows); restore it with LF endings";
        }
        if (KnownDefects.isTruncatedZip(base)) {
            return prefix + ": it is truncated; download or convert it again";
        }
        return prefix + ": it comes from another conversion or transformers/torch version, or is damaged;"
                + " use the base that matches " + baseManifest;
    }

    private static Diagnosis payloadAtFault(DecodedFile file, String context) throws IOException {
        if (isDecodedZipTruncated(file)) {
            return truncatedPayload(file);
        }
        if (file.isPlain()) {
            return new Diagnosis(Diagnosis.Side.PAYLOAD, context + " and differs from the published file:"
                    + " it is damaged or edited (CRLF line endings), or the publisher XORed it and a --plain glob"
                    + " matches it by mistake; download it again or drop that glob");
        }
        return new Diagnosis(Diagnosis.Side.PAYLOAD, context + ", so the payload file " + file.payload().path()
                + " is damaged or from another release; download it again");
    }

    private static Diagnosis truncatedPayload(DecodedFile file) {
        return new Diagnosis(Diagnosis.Side.PAYLOAD, "the payload file " + file.payload().path()
                + " is truncated (" + file.size() + " bytes, the decoded zip archive has no end record); download it again");
    }

    /** Returns true if the decoded bytes start a zip archive (PyTorch {@code .bin}) that has no end record. */
    static boolean isDecodedZipTruncated(DecodedFile file) throws IOException {
        if (file.size() < 4) {
            return false;
        }
        ByteBuffer head = ByteBuffer.allocate(4);
        file.read(0, head);
        int tailLength = KnownDefects.zipTailLength(file.size());
        ByteBuffer tail = ByteBuffer.allocate(tailLength);
        file.read(file.size() - tailLength, tail);
        return KnownDefects.isTruncatedZip(head.array(), tail.array());
    }
}
