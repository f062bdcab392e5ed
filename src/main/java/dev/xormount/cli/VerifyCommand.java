package dev.xormount.cli;

import dev.xormount.UserException;
import dev.xormount.checksum.ChecksumIndex;
import dev.xormount.checksum.FileCheck;
import dev.xormount.checksum.Manifest;
import dev.xormount.checksum.Verifier;
import dev.xormount.model.PlainRules;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xormount verify}: checks a folder's files against an md5 or sha256 manifest. */
@Command(name = "verify",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Checks the files of a folder (a base, a decoded copy or a mounted model) against an md5 or sha256 manifest.",
            "Prints one line per file: OK, MISMATCH with both digests, MISSING, EXTRA or UNREADABLE.",
            "Exits 0 if every file matches, 4 if any does not."
        })
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--checksums", paramLabel = "FILE",
            description = "md5sum (or sha256sum) manifest to check against. Default: the known manifest whose file list matches the folder.")
    Path manifestFile;

    @Option(names = "--threads", paramLabel = "N",
            description = "Files hashed at the same time. Default: the number of CPU cores, at most 4.")
    int threads = Math.min(4, Runtime.getRuntime().availableProcessors());

    @Mixin
    Main.CommonOptions common;

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to check.")
    Path folder;

    @Spec
    CommandSpec spec;

    @Override
    @SuppressWarnings("try") // the progress line only needs closing
    public Integer call() throws Exception {
        if (threads < 1 || threads > 64) {
            throw new UserException("invalid --threads " + threads + ": use 1 to 64");
        }
        if (!Files.isDirectory(folder)) {
            throw new UserException((Files.exists(folder) ? "path " + folder + " is not a folder" : "folder " + folder + " not found")
                    + "; pass the folder whose files to check");
        }
        SortedMap<String, Path> files = Verifier.listFiles(folder);
        Manifest manifest = manifestFile != null ? Manifest.read(manifestFile) : pickManifest(files);

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("Checking " + folder + " against " + manifest.name());
        err.flush();
        Verifier verifier = new Verifier(threads);
        List<FileCheck> results;
        try (ProgressLine progress = new ProgressLine(err, Verifier.bytesToHash(files, manifest), verifier::bytesDone)) {
            results = verifier.verify(files, manifest);
        }

        for (FileCheck result : results) {
            out.println(result.line());
        }
        Map<FileCheck.Outcome, Long> counts = new EnumMap<>(FileCheck.Outcome.class);
        for (FileCheck.Outcome outcome : FileCheck.Outcome.values()) {
            counts.put(outcome, 0L);
        }
        results.forEach(r -> counts.merge(r.outcome(), 1L, Long::sum));
        out.println(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))
                + " against " + manifest.name());
        out.flush();
        if (manifestFile == null) {
            hintAtPayload(results, manifest, err);
        }
        return results.stream().anyMatch(r -> r.outcome().isFailure()) ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
    }

    /**
     * Prints a hint when {@code manifest} lists decoded files and every file the publisher XORs
     * mismatches while the plain ones match: the folder is most likely the XOR payload itself.
     */
    private void hintAtPayload(List<FileCheck> results, Manifest manifest, PrintWriter err) throws java.io.IOException {
        Optional<ChecksumIndex.KnownModel> known = ChecksumIndex.loadDefault().modelWithDecoded(manifest);
        if (known.isEmpty()) {
            return;
        }
        PlainRules plain = new PlainRules(known.get().plain());
        long xored = results.stream().filter(r -> !plain.isPlain(r.path())).count();
        boolean allXoredDiffer = results.stream().filter(r -> !plain.isPlain(r.path()))
                .allMatch(r -> r.outcome() == FileCheck.Outcome.MISMATCH);
        if (xored > 0 && allXoredDiffer) {
            err.println("Every XORed file differs from " + manifest.name() + ": if " + folder + " is the XOR payload,"
                    + " mount it with 'xormount mount' and verify the mounted model folder instead");
            err.flush();
        }
    }

    private Manifest pickManifest(SortedMap<String, Path> files) throws java.io.IOException {
        if (files.isEmpty()) {
            throw new UserException("folder " + folder + " contains no files to check; pass the model folder itself");
        }
        ChecksumIndex index = ChecksumIndex.loadDefault();
        if (index.manifests().isEmpty()) {
            throw new UserException("no known checksums folder (system property " + ChecksumIndex.DIRECTORY_PROPERTY
                    + " unset); pass --checksums FILE");
        }
        return index.manifestFor(files.keySet()).orElseThrow(() -> new UserException(
                "no known manifest matches the files of " + folder + " (known: "
                        + index.manifests().stream().map(Manifest::name).collect(Collectors.joining(", "))
                        + "); pass --checksums FILE"));
    }
}
