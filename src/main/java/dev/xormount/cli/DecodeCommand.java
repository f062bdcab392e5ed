package dev.xormount.cli;

import dev.xormount.checksum.ChecksumIndex;
import dev.xormount.checksum.Manifest;
import dev.xormount.codec.ChecksumMismatchException;
import dev.xormount.codec.Decoder;
import dev.xormount.model.Model;
import dev.xormount.model.ModelScanner;
import dev.xormount.model.PlainRules;
import dev.xormount.model.PublishedManifests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xormount decode}: writes the decoded files to a folder, for machines without FUSE.
 *
 * <p>Uses no FUSE class, so libfuse is never loaded.
 *
 * <p>NOTE: the scanner and the decode record read "unix:" file attributes (inode, mode), which
 * Windows does not provide, so decode runs on Linux (tested) and macOS (not tested), not Windows.
 */
@Command(name = "decode",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Writes the decoded fine-tune to OUT_DIR: the same bytes the mount serves, without FUSE.",
            "Each file is verified against a checksum manifest when one is known (--checksums, "
                    + PublishedManifests.DECODED_MD5 + " in the payload folder, or the known checksums of the model)"
                    + " and renamed into place only when complete.",
            "A rerun skips files already decoded and verified."
        })
public final class DecodeCommand extends CodecCommand {
    private static final Logger log = LoggerFactory.getLogger(DecodeCommand.class);

    @Option(names = "--base", required = true, paramLabel = "DIR",
            description = "Folder of the base model in Hugging Face layout.")
    Path base;

    @Option(names = "--payload", required = true, paramLabel = "DIR",
            description = "Folder of the XOR payload.")
    Path payload;

    @Option(names = "--checksums", paramLabel = "FILE",
            description = "md5sum (or sha256sum) manifest of the decoded files to verify against."
                    + " Default: " + PublishedManifests.DECODED_MD5 + " in the payload folder, if present,"
                    + " else the known manifest of the model.")
    Path checksums;

    @Parameters(index = "0", paramLabel = "OUT_DIR",
            description = "Folder to write the decoded files to, outside the base and payload folders; created if missing.")
    Path outDir;

    @Override
    public Integer call() throws Exception {
        int chunkSize = codec.checkedChunkSize();
        PrintWriter err = err();
        ModelScanner scanner = new ModelScanner(new PlainRules(codec.plainGlobs), codec.skipMissing);
        // Named as the mount would name it, so the index lookup by name matches the mount audit's.
        try (Model model = scanner.scan(MountCommand.defaultName(payload), base, payload)) {
            Manifest manifest = manifestFor(model);
            Decoder decoder = new Decoder(chunkSize, codec.force, progress());
            Decoder.Result result;
            try {
                result = decoder.decode(model, outDir, manifest);
            } catch (ChecksumMismatchException e) {
                err.println("xormount: error: " + e.getMessage());
                err.flush();
                return ExitCodes.CHECK_FAILED;
            }
            String check = manifest == null ? "lengths checked, no checksum manifest" : "verified against " + manifest.location();
            out().println("Decoded " + filesInto(result.decoded(), "", result.bytesWritten(), outDir)
                    + ", skipped " + result.skipped() + " already complete; " + check);
            out().flush();
            return ExitCodes.OK;
        }
    }

    /**
     * Returns the manifest to verify against: --checksums, else the one published in the payload
     * folder, else the decoded manifest of the known model that the index matches to the payload's
     * files or name (as the mount audit does), else null.
     */
    private Manifest manifestFor(Model model) throws IOException {
        if (checksums != null) {
            return Manifest.read(checksums);
        }
        Path published = model.payloadDir().resolve(PublishedManifests.DECODED_MD5);
        if (Files.isRegularFile(published)) {
            log.info("Verifying against {}, published with the payload", published);
            return Manifest.read(published);
        }
        Optional<ChecksumIndex.KnownModel> known = ChecksumIndex.loadDefault().modelFor(model.name(), model.files().keySet());
        if (known.isPresent()) {
            Manifest manifest = known.get().decoded();
            log.info("Verifying against {}, the known checksums of {}", manifest.location(), model.name());
            return manifest;
        }
        log.warn("No checksum manifest for {}: decoded files are checked by length only; pass --checksums FILE to verify them",
                model.payloadDir());
        return null;
    }
}
