package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.Repo;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input that only shows for a user other than root, who can read everything: runs the
 * launcher as {@code nobody} from a world-readable copy of the jar.
 */
class UnprivilegedUserIT {
    @TempDir
    Path temp;
    Path launcher;
    Path payload;

    @BeforeEach
    void installWorldReadableCopy() throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bin = Files.createDirectories(temp.resolve("bin"));
        launcher = Files.copy(Repo.launcher(), bin.resolve("xormount"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Repo.root().resolve("target/xormount.jar"), temp.resolve("xormount.jar"));
        payload = copyTree(Repo.demoPayload(), temp.resolve("tiny-llama-sft-xor"));
    }

    @Test
    void mount_unreadableBase_isRejected() throws Exception {
        Path base = copyTree(Repo.demoBase(), temp.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
        Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
        Files.setPosixFilePermissions(mountpoint, PosixFilePermissions.fromString("rwxrwxrwx"));

        Result result = runAsNobody("mount", "--base", base.toString(), "--payload", payload.toString(), mountpoint.toString());

        assertEquals(ExitCodes.BAD_INPUT, result.code, result.output);
        assertTrue(result.output.contains("base folder " + base + " is not readable by this user"), result.output);
        assertEquals(1, result.output.strip().lines().count(), "one line: " + result.output);
    }

    @Test
    void mount_unreadablePayloadFile_isRejected() throws Exception {
        Path base = copyTree(Repo.demoBase(), temp.resolve("base"));
        Path shard = payload.resolve("pytorch_model-00002-of-00003.bin");
        Files.setPosixFilePermissions(shard, PosixFilePermissions.fromString("rw-------"));
        Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
        Files.setPosixFilePermissions(mountpoint, PosixFilePermissions.fromString("rwxrwxrwx"));

        Result result = runAsNobody("mount", "--base", base.toString(), "--payload", payload.toString(), mountpoint.toString());

        assertEquals(ExitCodes.BAD_INPUT, result.code, result.output);
        assertTrue(result.output.contains(shard + " is not readable by this user"), result.output);
    }

    private Result runAsNobody(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "nobody", "--", launcher.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("xormount as nobody did not exit: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    /** Copies a demo folder and makes the copy readable by every user. */
    private static Path copyTree(Path source, Path target) throws IOException {
        Trees.copyFolder(source, target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }

    private record Result(int code, String output) {}
}
