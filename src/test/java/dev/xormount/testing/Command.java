package dev.xormount.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external command to completion under a timeout and keeps its output. */
public final class Command {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Exit code and output of a finished command; exit code -1 means it timed out and was killed. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Returns a description for assertion messages. */
        public String describe() {
            return String.join(" ", command) + " exited with " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private Command() {}

    public static Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of());
    }

    /** Runs {@code command} with {@code environment} added to this process's environment. */
    public static Result run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("xormount-test-out-", ".txt");
        Path stderr = Files.createTempFile("xormount-test-err-", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            int exitCode;
            if (process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                exitCode = process.exitValue();
            } else {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                exitCode = -1;
            }
            return new Result(command, exitCode, Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
