package dev.xormount.codec;

import dev.xormount.UserException;
import dev.xormount.checksum.Digests;
import dev.xormount.checksum.HashAlgorithm;
import dev.xormount.checksum.Manifest;
import dev.xormount.decode.DecodedFile;
import dev.xormount.model.Model;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the decoded files of a {@link Model} to an output folder, byte for byte what the mount
 * serves, because both read through {@link DecodedFile}.
 *
 * <p>Each file is written under a hidden temporary name, hashed on the fly, checked (its length
 * always, its digest when the manifest lists it) and only then renamed to its name. A file that
 * already exists is skipped when it is known complete: the hidden record of an earlier run still
 * matches it and its sources, or its digest matches the manifest. Any other existing file stops
 * the run before anything is written, unless {@code force} is set. The first failure stops the
 * run and leaves no temporary file; files finished before it stay, and a rerun skips them.
 * Failures are thrown, not logged above DEBUG, because the caller prints them.
 */
public final class Decoder {
    private static final Logger log = LoggerFactory.getLogger(Decoder.class);
    private static final int MAX_LISTED = 5;

    private final int chunkSize;
    private final boolean force;
    private final Progress progress;

    /** Counts of one run: files written, files skipped as already complete, and bytes written. */
    public record Result(int decoded, int skipped, long bytesWritten) {}

    /**
     * @param chunkSize bytes decoded and written per step; two buffers of this size are allocated
     * @param force overwrite existing files that are not known to be complete
     */
    public Decoder(int chunkSize, boolean force, Progress progress) {
        this.chunkSize = chunkSize;
        this.force = force;
        this.progress = progress;
    }

    /**
     * Decodes every file of {@code model} into {@code outDir}.
     *
     * @param manifest digests of the decoded files, or null to check lengths only
     * @throws ChecksumMismatchException if a decoded file differs from {@code manifest}
     * @throws UserException for any other failure, naming the file
     */
    @SuppressWarnings("try") // the lock is held for the whole body and only needs closing
    public Result decode(Model model, Path outDir, Manifest manifest) throws IOException {
        Map<String, Path> sources = new LinkedHashMap<>();
        sources.put("base", model.baseDir());
        sources.put("payload", model.payloadDir());
        OutputFolder output = OutputFolder.prepare(outDir, sources);
        try (OutputFolder.Lock lock = output.lock("decode")) {
            return decodeLocked(model, output, manifest);
        }
    }

    private Result decodeLocked(Model model, OutputFolder output, Manifest manifest) throws IOException {
        DecodeRecords records = DecodeRecords.load(output.root());
        ByteBuffer hashBuffer = ByteBuffer.allocateDirect(chunkSize);

        List<DecodedFile> toDecode = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        int skipped = 0;
        for (DecodedFile file : model.files().values()) {
            Path target = output.target(file.name());
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                toDecode.add(file);
            } else if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserException("output " + target + " is a folder, but the model has a file of that name; move the folder away");
            } else if (isComplete(file, target, manifest, records, hashBuffer)) {
                log.debug("Skipping {}: already decoded and verified", target);
                progress.fileFinished(file.name(), "already complete, skipped");
                skipped++;
            } else if (force) {
                toDecode.add(file);
            } else {
                conflicts.add(file.name());
            }
        }
        if (!conflicts.isEmpty()) {
            throw new UserException("output folder " + output.root() + " already has files that are not known to be complete decodes: "
                    + listed(conflicts) + "; pass --force to overwrite them, or pick an empty output folder");
        }

        long total = toDecode.stream().mapToLong(DecodedFile::size).sum();
        progress.started(toDecode.size(), total);
        try (ChunkPipeline pipeline = new ChunkPipeline(chunkSize)) {
            for (DecodedFile file : toDecode) {
                decodeOne(file, output.target(file.name()), manifest, records, pipeline);
            }
        } finally {
            progress.finished();
        }
        return new Result(toDecode.size(), skipped, total);
    }

    private boolean isComplete(DecodedFile file, Path target, Manifest manifest, DecodeRecords records,
                               ByteBuffer hashBuffer) throws IOException {
        String expected = manifest == null ? null : manifest.hashOf(file.name());
        DecodeRecords.Entry recorded = records.current(file.name(), target, file);
        if (recorded != null && (expected == null
                || (recorded.algorithm().equals(manifest.algorithm().standardName()) && recorded.digest().equals(expected)))) {
            return true;
        }
        if (expected == null || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.size(target) != file.size()) {
            return false;
        }
        progress.fileStarted(file.name(), "checking existing", file.size());
        String actual = Digests.ofFile(manifest.algorithm(), target, hashBuffer, done -> { });
        if (!actual.equals(expected)) {
            return false;
        }
        records.put(file.name(), target, file, manifest.algorithm().standardName(), actual);
        return true;
    }

    private void decodeOne(DecodedFile file, Path target, Manifest manifest, DecodeRecords records,
                           ChunkPipeline pipeline) throws IOException {
        String expected = manifest == null ? null : manifest.hashOf(file.name());
        HashAlgorithm algorithm = expected == null ? HashAlgorithm.MD5 : manifest.algorithm();
        if (manifest != null && expected == null) {
            log.warn("{} is not listed in {}; checking its length only", file.name(), manifest.location());
        }
        MessageDigest digest = algorithm.newDigest();
        progress.fileStarted(file.name(), "decoding", file.size());
        String actual;
        try (PartialFile partial = PartialFile.create(target)) {
            pipeline.copy(file.size(), file::read, partial.channel(), digest, progress::advanced);
            long written = partial.channel().size();
            if (written != file.size()) {
                throw new IOException("wrote " + written + " bytes instead of " + file.size());
            }
            checkSourcesUnchanged(file);
            actual = Digests.hex(digest);
            if (expected != null && !actual.equals(expected)) {
                throw mismatch(file, manifest, expected, actual);
            }
            partial.commit();
        } catch (IOException e) {
            log.debug("Decoding {} to {} failed", file.name(), target, e);
            throw new UserException("decoding " + file.name() + " to " + target + " failed (" + e.getMessage()
                    + "); no partial file was left, fix the cause and run the same command again", e);
        }
        records.put(file.name(), target, file, algorithm.standardName(), actual);
        progress.fileFinished(file.name(), expected == null ? "length checked" : algorithm.toolName() + " verified");
    }

    private static ChecksumMismatchException mismatch(DecodedFile file, Manifest manifest, String expected, String actual) {
        String cause = file.isPlain()
                ? "the payload file " + file.payload().path() + " is damaged or incomplete; download it again"
                : "the base file " + file.base().path() + " differs from the one the payload was made against"
                        + " (another conversion or library version, or CRLF line endings), or the payload file "
                        + file.payload().path() + " is damaged; check both against their published checksums";
        String tool = manifest.algorithm().toolName();
        log.debug("Decoded {} has {} {} but {} lists {}", file.name(), tool, actual, manifest.location(), expected);
        return new ChecksumMismatchException("decoded " + file.name() + " has " + tool + " " + actual + " but "
                + manifest.location() + " lists " + expected + "; it was not written. Likely cause: " + cause);
    }

    private static void checkSourcesUnchanged(DecodedFile file) throws IOException {
        if (!file.payload().isUnchanged()) {
            throw new IOException("the payload file " + file.payload().path() + " changed while it was read");
        }
        if (!file.isPlain() && !file.base().isUnchanged()) {
            throw new IOException("the base file " + file.base().path() + " changed while it was read");
        }
    }

    private static String listed(List<String> names) {
        if (names.size() <= MAX_LISTED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_LISTED)) + " and " + (names.size() - MAX_LISTED) + " more";
    }
}
