package dev.xormount.cli;

import java.io.PrintWriter;
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
}
