package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.UserException;
import dev.xormount.audit.AuditMode;
import dev.xormount.checksum.ChecksumIndex;
import dev.xormount.model.Model;
import dev.xormount.model.ModelScanner;
import dev.xormount.model.PlainRules;
import dev.xormount.testing.Repo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks that invalid audit options of {@code mount} fail before anything is mounted. */
class MountAuditOptionsTest {
    @TempDir
    Path temp;

    private final StringWriter err = new StringWriter();

    private int mount(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("mount", "--base", Repo.demoBase().toString(),
                "--payload", Repo.demoPayload().toString()));
        args.addAll(List.of(extraArgs));
        args.add(temp.resolve("mnt").toString());
        return Main.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute(args.toArray(String[]::new));
    }

    @Test
    void auditMode_unknownValue_isUsageError() {
        assertEquals(ExitCodes.USAGE, mount("--audit", "sometimes"));

        assertTrue(err.toString().contains("--audit"), err.toString());
        assertTrue(err.toString().contains("sometimes"), err.toString());
    }

    @Test
    void onMismatch_unknownValue_isUsageError() {
        assertEquals(ExitCodes.USAGE, mount("--on-mismatch", "ignore"));

        assertTrue(err.toString().contains("ignore"), err.toString());
    }

    @Test
    void auditRate_negative_isBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, mount("--audit-rate", "-5"));

        assertTrue(err.toString().startsWith("xormount: error: invalid --audit-rate -5.0"), err.toString());
    }

    @Test
    void checksums_sha256Manifest_isRejected() throws Exception {
        AuditOptions options = new AuditOptions();
        options.mode = AuditMode.BACKGROUND;
        options.manifests = List.of(Repo.root().resolve("checksums/tiny-llama-sft-xor.sha256"));

        try (Model model = new ModelScanner(PlainRules.defaults(), false).scan("tiny-llama-sft", Repo.demoBase(), Repo.demoPayload())) {
            UserException error = assertThrows(UserException.class, () -> options.createAuditor(List.of(model), temp, file -> { }));

            assertTrue(error.getMessage().contains("lists sha256 digests, but the mount audit needs md5"), error.getMessage());
        }
    }

    @Test
    void checksums_baseManifest_isRejected() throws Exception {
        AuditOptions options = new AuditOptions();
        options.mode = AuditMode.BACKGROUND;
        options.manifests = List.of(Repo.root().resolve("checksums/tiny-llama-hf.md5"));
        System.setProperty(ChecksumIndex.DIRECTORY_PROPERTY, Repo.root().resolve("checksums").toString());

        try (Model model = new ModelScanner(PlainRules.defaults(), false).scan("tiny-llama-sft", Repo.demoBase(), Repo.demoPayload())) {
            UserException error = assertThrows(UserException.class, () -> options.createAuditor(List.of(model), temp, file -> { }));

            assertTrue(error.getMessage().contains("lists the base files (tiny-llama-hf.md5)"), error.getMessage());
            assertTrue(error.getMessage().contains("tiny-llama-sft.md5"), error.getMessage());
        } finally {
            System.clearProperty(ChecksumIndex.DIRECTORY_PROPERTY);
        }
    }

    @Test
    void checksums_countDiffersFromPayloads_isBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, mount("--checksums", "a.md5", "--checksums", "b.md5"));

        assertTrue(err.toString().contains("2 --checksums files for 1 --payload folders"), err.toString());
    }
}
