package dev.xormount.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the mounted demo model with a real {@code torch.load} (Debian's python3-torch 1.13), the
 * way transformers loads a sharded checkpoint, and compares every tensor with the fine-tune's
 * original files.
 */
class TorchLoadIT {
    /** Debian's interpreter; plain {@code python3} on PATH may be another one without torch. */
    private static final String PYTHON = "/usr/bin/python3";
    private static final long PYTHON_TIMEOUT_SECONDS = 300;
    private static final String MODEL = "tiny-llama-sft";
    private static final String LARGEST_SHARD = "pytorch_model-00001-of-00003.bin";
    private static final int PARALLEL_READERS = 8;

    @TempDir
    Path temp;

    /** Output and exit code of one finished python run. */
    private record Run(int exitCode, String output) {}

    /** A running python process and the file its output goes to. */
    private record Started(Process process, Path output) {}

    @Test
    void torchLoad_defaultBlocks_everyTensorMatches() throws Exception {
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"))) {
            Run run = python("compare", mount.mountpoint().resolve(MODEL).toString(), Repo.demoFinetuned().toString());
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().startsWith("OK 43 tensors in 3 shards"), run.output());
        }
    }

    @Test
    void torchLoad_smallBlocks_everyTensorMatches() throws Exception {
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"), "--block-size", "4K", "--cache-size", "64K")) {
            Run run = python("compare", mount.mountpoint().resolve(MODEL).toString(), Repo.demoFinetuned().toString());
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().startsWith("OK 43 tensors in 3 shards"), run.output());
        }
    }

    @Test
    void torchLoad_eightProcessesOneShard_sameDigest() throws Exception {
        Run original = python("digest", Repo.demoFinetuned().resolve(LARGEST_SHARD).toString());
        assertEquals(0, original.exitCode(), original.output());
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"), "--block-size", "64K")) {
            String shard = mount.mountpoint().resolve(MODEL).resolve(LARGEST_SHARD).toString();
            List<Started> readers = new ArrayList<>();
            for (int i = 0; i < PARALLEL_READERS; i++) {
                readers.add(start("digest", shard));
            }
            for (int i = 0; i < readers.size(); i++) {
                Run run = finish(readers.get(i));
                assertEquals(0, run.exitCode(), "reader " + i + ": " + run.output());
                assertEquals(original.output(), run.output(), "digest of " + LARGEST_SHARD + " seen by reader " + i);
            }
        }
    }

    @Test
    void compareScript_wrongOriginals_namesTensor() throws Exception {
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"))) {
            Run run = python("compare", mount.mountpoint().resolve(MODEL).toString(), Repo.demoBase().toString());
            assertEquals(1, run.exitCode(), run.output());
            assertTrue(run.output().contains("MISMATCH tensor model.embed_tokens.weight in " + LARGEST_SHARD + ": shape (528, 96), original (512, 96)"),
                    run.output());
        }
    }

    private Run python(String... args) throws IOException, InterruptedException {
        return finish(start(args));
    }

    /** Starts the check script with its output going to a file, so a hung read cannot block the test on a pipe. */
    private Started start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, Repo.root().resolve("src/test/python/check_torch_load.py").toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(temp, "python-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new Started(process, output);
    }

    private static Run finish(Started started) throws IOException, InterruptedException {
        if (!started.process().waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            started.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("python did not finish within " + PYTHON_TIMEOUT_SECONDS + " s: "
                    + Files.readString(started.output(), StandardCharsets.UTF_8));
        }
        return new Run(started.process().exitValue(), Files.readString(started.output(), StandardCharsets.UTF_8));
    }
}
