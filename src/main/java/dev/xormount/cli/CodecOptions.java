package dev.xormount.cli;

import dev.xormount.UserException;
import dev.xormount.codec.ChunkPipeline;
import dev.xormount.codec.Progress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options that decode and encode share. */
final class CodecOptions {
    @Option(names = "--plain", paramLabel = "GLOB",
            description = "Files stored plain, not XORed, in addition to added_tokens.json."
                    + " A glob without '/' matches file names (PygmalionAI: --plain '*.json'). Repeatable.")
    List<String> plainGlobs = new ArrayList<>();

    @Option(names = "--skip-missing",
            description = "Leave out files that have no base counterpart, instead of stopping with an error.")
    boolean skipMissing;

    @Option(names = "--force",
            description = "Replace existing files in OUT_DIR instead of stopping. decode still skips files it recorded as complete"
                    + " and verified, and without --force it stops at any other existing file.")
    boolean force;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "16M", converter = ByteSizeConverter.class,
            description = "Bytes read and written per step, a power of two from 64K to 256M. Default: ${DEFAULT-VALUE}.")
    long chunkSize;

    @Option(names = "--no-progress",
            description = "Print no progress bar or progress lines, only errors and the summary.")
    boolean noProgress;

    /** Returns the chunk size after checking its range. */
    int checkedChunkSize() {
        if (chunkSize < (64 << 10) || chunkSize > (256 << 20) || Long.bitCount(chunkSize) != 1) {
            throw new UserException("invalid --chunk-size " + chunkSize + ": use a power of two from 64K to 256M, for example 16M");
        }
        return (int) chunkSize;
    }

    /** Returns the progress display on {@code err}: a bar on a terminal, lines otherwise, nothing with --no-progress. */
    Progress progress(PrintWriter err, String verb) {
        if (noProgress) {
            return Progress.NONE;
        }
        return new ProgressPrinter(err, ProgressPrinter.stderrIsTerminal(), System::nanoTime, verb);
    }
}
