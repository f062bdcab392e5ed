package dev.xormount.cli;

import dev.xormount.codec.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Options and output streams shared by decode and encode; picocli reads the annotated fields of this superclass too. */
abstract class CodecCommand implements Callable<Integer> {
    @Mixin
    CodecOptions codec;

    @Mixin
    Main.CommonOptions common;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Returns the progress display on standard error, labelled with the command's name. */
    Progress progress() {
        return codec.progress(err(), spec.name());
    }

    /**
     * Returns the middle of the summary line both commands print, for example
     * {@code "10 files (1 plain, 2.1 MiB) into /abs/out"}.
     *
     * @param details text put before the size inside the brackets, or ""
     */
    static String filesInto(int files, String details, long bytes, Path outDir) {
        return files + (files == 1 ? " file (" : " files (") + details + ProgressPrinter.formatBytes(bytes) + ") into " + outDir.toAbsolutePath().normalize();
    }
}
