package dev.xormount.codec;

import dev.xormount.UserException;
import dev.xormount.checksum.Digests;
import dev.xormount.checksum.HashAlgorithm;
import dev.xormount.checksum.KnownDefects;
import dev.xormount.checksum.Manifest;
import dev.xormount.decode.SourceFile;
import dev.xormount.decode.Xor;
import dev.xormount.model.ModelScanner;
import dev.xormount.model.PlainRules;
import dev.xormount.model.PublishedManifests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an XOR payload from a fine-tune and its base, by the rules the decoder undoes: every
 * fine-tune file that is not plain is XORed with the base file of the same relative path (the
 * payload has the fine-tune file's length; past the base's end the bytes are copied), and plain
 * files ({@link PlainRules}) are copied unchanged.
 *
 * <p>Next to the payload files, at the output root, it writes the manifests a publisher ships
 * ({@link PublishedManifests}): md5 of the fine-tune files, md5 of the base files the payload
 * needs, and sha256 of the payload files. Mount and decode skip these names, and decode checks
 * its output against the first one.
 *
 * <p>A fine-tune file with no base counterpart stops the run, unless a {@code --plain} glob
 * stores it plain (decoders then need the same glob) or {@code skipMissing} leaves it out.
 */
public final class Encoder {
    private static final Logger log = LoggerFactory.getLogger(Encoder.class);

    private final int chunkSize;
    private final PlainRules plainRules;
    private final boolean skipMissing;
    private final boolean force;
    private final Progress progress;

    /** Counts of one run: payload files written, how many of them are plain, bytes written, and files left out. */
    public record Result(int files, int plain, long bytesWritten, List<String> leftOut) {}

    private record Pair(String name, SourceFile finetuned, SourceFile base) {}

    /**
     * @param chunkSize bytes read, XORed and written per step; three buffers of this size are allocated
     * @param skipMissing leave out fine-tune files with no base counterpart instead of stopping
     * @param force overwrite payload files that already exist in the output folder
     */
    public Encoder(int chunkSize, PlainRules plainRules, boolean skipMissing, boolean force, Progress progress) {
        this.chunkSize = chunkSize;
        this.plainRules = plainRules;
        this.skipMissing = skipMissing;
        this.force = force;
        this.progress = progress;
    }

    /**
     * Encodes every file below {@code finetunedDir} against {@code baseDir} into {@code outDir}.
     *
     * @throws UserException for any problem with the folders or a file, naming it
     */
    @SuppressWarnings("try") // the lock is held for the whole body and only needs closing
    public Result encode(Path baseDir, Path finetunedDir, Path outDir) throws IOException {
        Path base = ModelScanner.checkFolder(baseDir, "base", "--base");
        Path finetuned = ModelScanner.checkFolder(finetunedDir, "fine-tune", "--finetuned");
        if (Files.isSameFile(base, finetuned)) {
            throw new UserException("base and fine-tune are the same folder " + baseDir
                    + "; pass the base model with --base and the fine-tuned model with --finetuned");
        }
        List<String> leftOut = new ArrayList<>();
        List<Pair> pairs = pair(base, finetuned, leftOut);
        Map<String, Path> sources = new LinkedHashMap<>();
        sources.put("base", base);
        sources.put("fine-tune", finetuned);
        OutputFolder output = OutputFolder.prepare(outDir, sources);
        try (OutputFolder.Lock lock = output.lock("encode")) {
            return encodeLocked(pairs, output, leftOut);
        }
    }

    private Result encodeLocked(List<Pair> pairs, OutputFolder output, List<String> leftOut) throws IOException {
        checkExistingOutput(output.root(), pairs);

        SortedMap<String, String> finetunedMd5 = new TreeMap<>();
        SortedMap<String, String> baseMd5 = new TreeMap<>();
        SortedMap<String, String> payloadSha256 = new TreeMap<>();
        long total = pairs.stream().mapToLong(p -> p.finetuned().size()).sum();
        progress.started(pairs.size(), total);
        try (ChunkPipeline pipeline = new ChunkPipeline(chunkSize)) {
            ByteBuffer scratch = ByteBuffer.allocateDirect(chunkSize).order(ByteOrder.nativeOrder());
            for (Pair pair : pairs) {
                Path target = output.target(pair.name());
                progress.fileStarted(pair.name(), pair.base() == null ? "copying plain" : "encoding", pair.finetuned().size());
                String[] digests = encodeOne(pair, target, pipeline, scratch);
                finetunedMd5.put(pair.name(), digests[0]);
                payloadSha256.put(pair.name(), digests[1]);
                if (pair.base() != null) {
                    baseMd5.put(pair.name(), digests[2]);
                }
                progress.fileFinished(pair.name(), pair.base() == null ? "copied plain" : "encoded");
            }
        } finally {
            progress.finished();
        }
        writeManifest(output.root(), PublishedManifests.DECODED_MD5, HashAlgorithm.MD5, finetunedMd5);
        writeManifest(output.root(), PublishedManifests.BASE_MD5, HashAlgorithm.MD5, baseMd5);
        writeManifest(output.root(), PublishedManifests.PAYLOAD_SHA256, HashAlgorithm.SHA256, payloadSha256);
        int plain = (int) pairs.stream().filter(p -> p.base() == null).count();
        return new Result(pairs.size(), plain, total, List.copyOf(leftOut));
    }

    private static void writeManifest(Path root, String name, HashAlgorithm algorithm, Map<String, String> hashes) throws IOException {
        PartialFile.writeString(root.resolve(name), Manifest.of(name, algorithm, hashes).format());
    }

    private List<Pair> pair(Path base, Path finetuned, List<String> leftOut) throws IOException {
        SortedMap<String, Path> files = ModelScanner.listFiles(finetuned, new TreeSet<>(), new LinkedHashMap<>());
        if (files.isEmpty()) {
            throw new UserException("fine-tune folder " + finetuned + " contains no files; pass the folder of the fine-tuned model with --finetuned");
        }
        List<String> reserved = new ArrayList<>();
        List<String> lfsPointers = new ArrayList<>();
        List<String> missingBase = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();

        for (Map.Entry<String, Path> entry : files.entrySet()) {
            String name = entry.getKey();
            SourceFile source = SourceFile.inspect(entry.getValue());
            if (PublishedManifests.isManifest(name)) {
                reserved.add(name);
            } else if (KnownDefects.isLfsPointer(source.realPath())) {
                lfsPointers.add(name);
            } else if (plainRules.isPlain(name)) {
                pairs.add(new Pair(name, source, null));
            } else {
                SourceFile baseFile = ModelScanner.findBase(base, name);
                if (baseFile == null) {
                    missingBase.add(name);
                } else {
                    pairs.add(new Pair(name, source, baseFile));
                }
            }
        }
        rejectUnpairable(finetuned, reserved, lfsPointers);
        if (!missingBase.isEmpty()) {
            if (!skipMissing) {
                throw new UserException("base folder " + base + " has no file to XOR these fine-tune files with: "
                        + String.join(", ", missingBase) + "; pass --plain GLOB to store them unXORed (decoders then need the same"
                        + " --plain), or --skip-missing to leave them out of the payload");
            }
            for (String name : missingBase) {
                log.warn("Leaving {} out of the payload: the base has no file {}", name, base.resolve(name));
                leftOut.add(name);
            }
        }
        if (pairs.isEmpty()) {
            throw new UserException("no fine-tune file in " + finetuned + " can be encoded; check --base and --finetuned");
        }
        return pairs;
    }

    private static void rejectUnpairable(Path finetuned, List<String> reserved, List<String> lfsPointers) {
        if (!reserved.isEmpty()) {
            throw new UserException("fine-tune folder " + finetuned + " has files named like the payload's checksum manifests: "
                    + String.join(", ", reserved) + "; mount and decode skip these names, so move or rename them first");
        }
        if (!lfsPointers.isEmpty()) {
            throw new UserException("fine-tune files in " + finetuned + " are Git LFS pointers, not data: "
                    + String.join(", ", lfsPointers) + "; run 'git lfs pull' in the fine-tune repository");
        }
    }

    private void checkExistingOutput(Path root, List<Pair> pairs) throws IOException {
        SortedMap<String, Path> existing = ModelScanner.listFiles(root, new TreeSet<>(), new LinkedHashMap<>());
        List<String> extra = new ArrayList<>();
        List<String> overwritten = new ArrayList<>();
        TreeSet<String> written = new TreeSet<>();
        pairs.forEach(p -> written.add(p.name()));
        for (String name : existing.keySet()) {
            if (written.contains(name) || PublishedManifests.isManifest(name)) {
                overwritten.add(name);
            } else {
                extra.add(name);
            }
        }
        if (!extra.isEmpty()) {
            throw new UserException("output folder " + root + " has files that are not part of this payload: " + String.join(", ", extra)
                    + "; mount and decode would treat them as payload files, so remove them or pick an empty output folder");
        }
        if (!overwritten.isEmpty() && !force) {
            throw new UserException("output folder " + root + " already has " + String.join(", ", overwritten)
                    + "; pass --force to overwrite them, or pick an empty output folder");
        }
    }

    /** Writes one payload file and returns the hex md5 of the fine-tune file, sha256 of the payload file, and md5 of the base file. */
    private String[] encodeOne(Pair pair, Path target, ChunkPipeline pipeline, ByteBuffer scratch) throws IOException {
        MessageDigest finetunedDigest = HashAlgorithm.MD5.newDigest();
        MessageDigest baseDigest = HashAlgorithm.MD5.newDigest();
        MessageDigest payloadDigest = HashAlgorithm.SHA256.newDigest();
        SourceFile finetuned = pair.finetuned();
        SourceFile base = pair.base();
        try (FileChannel finetunedChannel = FileChannel.open(finetuned.realPath(), StandardOpenOption.READ);
             FileChannel baseChannel = base == null ? null : FileChannel.open(base.realPath(), StandardOpenOption.READ);
             PartialFile partial = PartialFile.create(target)) {
            ChunkPipeline.ChunkSource source = (position, buffer) -> {
                int start = buffer.position();
                readFully(finetunedChannel, finetuned, position, buffer);
                finetunedDigest.update(buffer.duplicate().flip().position(start));
                if (base != null && position < base.size()) {
                    int overlap = (int) Math.min(buffer.position() - start, base.size() - position);
                    scratch.clear().limit(overlap);
                    readFully(baseChannel, base, position, scratch);
                    baseDigest.update(scratch.flip().duplicate());
                    Xor.xorInto(buffer, start, scratch, 0, overlap);
                }
            };
            pipeline.copy(finetuned.size(), source, partial.channel(), payloadDigest, progress::advanced);
            if (base != null) {
                // The base bytes past the fine-tune's length are not needed for the XOR, but the base manifest covers whole files.
                Digests.update(baseDigest, baseChannel, finetuned.size(), Long.MAX_VALUE, scratch, done -> { });
            }
            if (!finetuned.isUnchanged() || (base != null && !base.isUnchanged())) {
                throw new IOException("a source file changed while it was read");
            }
            partial.commit();
        } catch (IOException e) {
            log.debug("Encoding {} to {} failed", pair.name(), target, e);
            throw new UserException("encoding " + pair.name() + " to " + target + " failed (" + e.getMessage()
                    + "); no partial file was left, fix the cause and run the same command again with --force", e);
        }
        return new String[] {Digests.hex(finetunedDigest), Digests.hex(payloadDigest), base == null ? null : Digests.hex(baseDigest)};
    }

    private static void readFully(FileChannel channel, SourceFile source, long position, ByteBuffer target) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new IOException(source.path() + " ended at byte " + at + " but had " + source.size() + " bytes when scanned");
            }
            at += n;
        }
    }
}
