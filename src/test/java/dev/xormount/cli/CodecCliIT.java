package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code bin/xormount decode} and {@code encode} as a user would, in separate processes. */
class CodecCliIT {
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path temp;

    /** Exit code, standard output and standard error of one finished run. */
    private record Run(int exitCode, String out, String err) {}

    @Test
    void decode_loadsNoFuseClass() throws Exception {
        Path classLog = temp.resolve("classes.log");
        Path out = temp.resolve("out");

        Run run = xormount(Map.of("XORMOUNT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog),
                "decode", "--base", Repo.demoBase().toString(), "--payload", Repo.demoPayload().toString(),
                "--checksums", Repo.demoManifest().toString(), out.toString());

        assertEquals(0, run.exitCode(), run.toString());
        String classes = Files.readString(classLog, StandardCharsets.UTF_8);
        assertTrue(classes.contains("dev.xormount.codec.Decoder "), "class log covers the decoder");
        assertFalse(classes.contains("ru.serce.jnrfuse"), "decode must not load jnr-fuse, which loads libfuse");
        assertFalse(classes.contains("jnr.ffi."), "decode must not load jnr-ffi, which loads native libraries");
    }

    @Test
    void decode_stderrNotTerminal_printsPlainLines() throws Exception {
        Path out = temp.resolve("out");

        Run run = xormount(Map.of(), "decode", "--base", Repo.demoBase().toString(), "--payload", Repo.demoPayload().toString(),
                "--checksums", Repo.demoManifest().toString(), out.toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.err().contains("\r"), "no bar redraws when stderr is a file: " + run.err());
        assertTrue(run.err().contains("xormount: decode: pytorch_model-00001-of-00003.bin (392.8 KiB): md5 verified"), run.err());
        for (Map.Entry<String, String> entry : Md5.readManifest(Repo.demoManifest()).entrySet()) {
            assertEquals(entry.getValue(), Md5.of(out.resolve(entry.getKey())), "md5 of " + entry.getKey());
        }
    }

    @Test
    void encodedPayload_mountsAsFinetune() throws Exception {
        Path payload = temp.resolve("tiny-llama-sft-xor");
        Run encode = xormount(Map.of(), "encode", "--base", Repo.demoBase().toString(), "--finetuned", Repo.demoFinetuned().toString(),
                payload.toString());
        assertEquals(0, encode.exitCode(), encode.toString());

        try (MountedXormount mount = MountedXormount.start(temp.resolve("mnt"),
                List.of("--base", Repo.demoBase().toString(), "--payload", payload.toString()))) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            assertEquals(Trees.visibleFiles(Repo.demoFinetuned()), Trees.visibleFiles(model),
                    "files in the mount: the manifests are not served");
            for (Map.Entry<String, String> entry : Md5.readManifest(Repo.demoManifest()).entrySet()) {
                assertEquals(entry.getValue(), Md5.of(model.resolve(entry.getKey())), "md5 of " + entry.getKey());
            }
        }
    }

    @Test
    void decode_terminated_leavesNoPartialFile() throws Exception {
        Path base = Files.createDirectories(temp.resolve("base"));
        Path payload = Files.createDirectories(temp.resolve("payload"));
        Path out = temp.resolve("out");
        // Sparse files: large enough that the decode is still running when SIGTERM arrives, cheap to create.
        try (RandomAccessFile file = new RandomAccessFile(base.resolve("big.bin").toFile(), "rw")) {
            file.setLength(512L << 20);
        }
        try (RandomAccessFile file = new RandomAccessFile(payload.resolve("big.bin").toFile(), "rw")) {
            file.setLength(512L << 20);
        }
        Process process = new ProcessBuilder(Repo.launcher().toString(), "decode", "--no-progress", "--chunk-size", "64K",
                "--base", base.toString(), "--payload", payload.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(temp.resolve("decode.log").toFile()).start();
        try {
            Path partial = out.resolve(".big.bin.xormount-partial");
            while (!Files.exists(partial) && process.isAlive()) {
                Thread.sleep(5);
            }
            assertTrue(process.isAlive(), "decode finished before it could be stopped: " + Files.readString(temp.resolve("decode.log")));
            process.destroy();
            assertTrue(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "decode did not exit on SIGTERM");
        } finally {
            process.destroyForcibly();
        }

        assertEquals(List.of(), DecodeCommandTest.partialFiles(out), "temporary files left in " + out);
        assertFalse(Files.exists(out.resolve("big.bin")), "unfinished file under its final name");
    }

    private Run xormount(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Repo.launcher().toString()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(temp, "stdout-", ".txt");
        Path stderr = Files.createTempFile(temp, "stderr-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(command + " did not finish within " + TIMEOUT_SECONDS + " s: " + Files.readString(stderr));
        }
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
