package dev.xormount.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.status.StatusFile;
import dev.xormount.status.StatusReport;
import dev.xormount.testing.DemoCopy;
import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounts broken copies of the demo model for real and checks that the audit names the side at
 * fault, refuses reads of the bad file with EIO and keeps serving the good ones.
 */
class AuditMountIT {
    private static final String MODEL = "tiny-llama-sft";
    private static final String SHARD = "pytorch_model-00002-of-00003.bin";
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    private DemoCopy demo;
    private Map<String, String> published;

    @BeforeEach
    void copyDemo() throws Exception {
        demo = DemoCopy.create(temp.resolve("sources"));
        published = Md5.readManifest(Repo.demoManifest());
    }

    private MountedXormount mount(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--base", demo.base().toString(), "--payload", demo.payload().toString(),
                "--state-dir", temp.resolve("state").toString(), "--block-size", "64K"));
        args.addAll(List.of(extraArgs));
        return MountedXormount.start(temp.resolve("mnt"), args);
    }

    /** Reads the status file until every file is in a final state; fails after {@link #AUDIT_TIMEOUT}. */
    private static StatusReport awaitAudit(MountedXormount mount) throws Exception {
        long deadline = System.nanoTime() + AUDIT_TIMEOUT.toNanos();
        StatusReport report = readStatus(mount);
        while (report.audit().filesDone() < report.audit().filesTotal()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("audit not finished after " + AUDIT_TIMEOUT + ": " + mount.output());
            }
            Thread.sleep(100);
            report = readStatus(mount);
        }
        return report;
    }

    private static StatusReport readStatus(MountedXormount mount) throws IOException {
        return StatusFile.read(mount.mountpoint().resolve(StatusFile.NAME));
    }

    private static Map<String, StatusReport.FileEntry> byPath(StatusReport report) {
        return report.files().stream().collect(Collectors.toMap(StatusReport.FileEntry::path, Function.identity()));
    }

    private Path served(MountedXormount mount, String name) {
        return mount.mountpoint().resolve(MODEL).resolve(name);
    }

    private void assertGoodFilesServed(MountedXormount mount, String badFile) throws IOException {
        for (Map.Entry<String, String> entry : published.entrySet()) {
            if (!entry.getKey().equals(badFile)) {
                assertEquals(entry.getValue(), Md5.of(served(mount, entry.getKey())), "md5 of " + entry.getKey());
            }
        }
    }

    private void assertReadFailsWithEio(MountedXormount mount, String name) {
        IOException error = assertThrows(IOException.class, () -> Files.readAllBytes(served(mount, name)));
        assertTrue(String.valueOf(error.getMessage()).contains("Input/output error"), String.valueOf(error.getMessage()));
    }

    private static int countLines(String text, String part) {
        return (int) text.lines().filter(l -> l.contains(part)).count();
    }

    /** Runs {@code bin/xormount} with {@code args}; returns the exit code and fills {@code output}. */
    private static int runCli(StringBuilder output, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Repo.launcher().toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("xormount " + args[0] + " did not exit: " + output);
        }
        return process.exitValue();
    }

    @Test
    void corruptBaseShard_blamesBaseAndRefusesReads() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 50_000);

        try (MountedXormount mount = mount()) {
            StatusReport report = awaitAudit(mount);

            StatusReport.FileEntry bad = byPath(report).get(SHARD);
            assertEquals("mismatch", bad.state());
            assertEquals("base", bad.side());
            assertTrue(bad.cause().contains("another conversion or transformers/torch version"), bad.cause());
            assertReadFailsWithEio(mount, SHARD);
            assertReadFailsWithEio(mount, SHARD);
            assertGoodFilesServed(mount, SHARD);
            assertEquals(1, countLines(mount.output(), "Refusing reads of /" + MODEL + "/" + SHARD), mount.output());
            assertEquals(1, countLines(mount.output(), "Audit: " + MODEL + "/" + SHARD + " has md5"), mount.output());
        }
    }

    @Test
    void crlfBaseJson_namesLineEndings() throws Exception {
        DemoCopy.toCrlf(demo.base().resolve("config.json"));

        try (MountedXormount mount = mount()) {
            StatusReport.FileEntry bad = byPath(awaitAudit(mount)).get("config.json");

            assertEquals("mismatch", bad.state());
            assertEquals("base", bad.side());
            assertTrue(bad.cause().contains("CRLF line endings"), bad.cause());
            assertReadFailsWithEio(mount, "config.json");
            assertGoodFilesServed(mount, "config.json");
        }
    }

    @Test
    void truncatedPayload_blamesPayload() throws Exception {
        String shard = "pytorch_model-00003-of-00003.bin";
        DemoCopy.truncate(demo.payload().resolve(shard), 200_000);

        try (MountedXormount mount = mount()) {
            StatusReport.FileEntry bad = byPath(awaitAudit(mount)).get(shard);

            assertEquals("mismatch", bad.state());
            assertEquals("payload", bad.side());
            assertTrue(bad.cause().contains("is truncated"), bad.cause());
            assertEquals(200_000, Files.size(served(mount, shard)));
            assertReadFailsWithEio(mount, shard);
            assertGoodFilesServed(mount, shard);
        }
    }

    @Test
    void lfsPointerPayload_isRejectedAtMount() throws Exception {
        DemoCopy.toLfsPointer(demo.payload().resolve(SHARD));

        IllegalStateException error = assertThrows(IllegalStateException.class, this::mount);

        assertTrue(error.getMessage().contains("exited with 3"), error.getMessage());
        assertTrue(error.getMessage().contains("Git LFS pointers, not data: " + SHARD), error.getMessage());
        assertTrue(error.getMessage().contains("git lfs pull"), error.getMessage());
        assertFalse(MountedXormount.isMounted(temp.resolve("mnt")));
    }

    @Test
    void remount_unchangedSources_reusesResults_touchedSourceReaudited() throws Exception {
        try (MountedXormount mount = mount()) {
            for (StatusReport.FileEntry file : awaitAudit(mount).files()) {
                assertEquals("verified", file.state(), file.path());
                assertFalse(file.reused(), file.path());
            }
            assertEquals(0, mount.unmountAndWait(), mount.output());
        }

        try (MountedXormount mount = mount()) {
            for (StatusReport.FileEntry file : awaitAudit(mount).files()) {
                assertEquals("verified", file.state(), file.path());
                assertTrue(file.reused(), file.path());
            }
            assertTrue(mount.output().contains("10 results reused from the state folder"), mount.output());
            assertEquals(0, mount.unmountAndWait(), mount.output());
        }

        Path touched = demo.payload().resolve(SHARD);
        Files.setLastModifiedTime(touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 60_000));
        try (MountedXormount mount = mount()) {
            for (StatusReport.FileEntry file : awaitAudit(mount).files()) {
                assertEquals("verified", file.state(), file.path());
                assertEquals(!file.path().equals(SHARD), file.reused(), file.path());
            }
            assertTrue(mount.output().contains("9 results reused from the state folder"), mount.output());
        }
    }

    @Test
    void auditFirst_refusesBeforeAnyRead() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 50_000);

        try (MountedXormount mount = mount("--audit", "first")) {
            StatusReport report = readStatus(mount);

            assertEquals("first", report.audit().mode());
            assertEquals(report.audit().filesTotal(), report.audit().filesDone(), "audit finished before serving");
            assertEquals("mismatch", byPath(report).get(SHARD).state());
            assertReadFailsWithEio(mount, SHARD);
            assertGoodFilesServed(mount, SHARD);
        }
    }

    @Test
    void warnPolicy_keepsServingMismatchedFile() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 50_000);

        try (MountedXormount mount = mount("--on-mismatch", "warn")) {
            StatusReport.FileEntry bad = byPath(awaitAudit(mount)).get(SHARD);

            assertEquals("mismatch", bad.state());
            assertEquals(bad.actual(), Md5.of(served(mount, SHARD)));
            assertFalse(mount.output().contains("Refusing reads"), mount.output());
        }
    }

    @Test
    void auditOff_leavesFilesUnchecked() throws Exception {
        try (MountedXormount mount = mount("--audit", "off")) {
            StatusReport report = readStatus(mount);

            assertEquals("off", report.audit().mode());
            for (StatusReport.FileEntry file : report.files()) {
                assertEquals("unchecked", file.state(), file.path());
                assertNull(file.expected(), file.path());
            }
            assertGoodFilesServed(mount, null);
        }
    }

    @Test
    void explicitChecksums_overrideTheIndex() throws Exception {
        Path manifest = temp.resolve("custom.md5");
        Files.writeString(manifest, "00000000000000000000000000000000  config.json\n");

        try (MountedXormount mount = mount("--checksums", manifest.toString())) {
            Map<String, StatusReport.FileEntry> files = byPath(awaitAudit(mount));

            assertEquals("mismatch", files.get("config.json").state());
            assertEquals("unknown", files.get("config.json").side(), "custom.md5 has no base manifest");
            assertEquals("unchecked", files.get(SHARD).state());
            assertNull(files.get(SHARD).expected());
        }
    }

    @Test
    void statusAndVerify_reportBrokenMount() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 50_000);

        try (MountedXormount mount = mount()) {
            awaitAudit(mount);
            Files.readAllBytes(served(mount, "config.json"));

            StringBuilder status = new StringBuilder();
            assertEquals(0, runCli(status, "status", mount.mountpoint().toString()), status.toString());
            assertTrue(status.toString().contains(MODEL + "/" + SHARD), status.toString());
            String row = status.toString().lines().filter(l -> l.startsWith(MODEL + "/" + SHARD)).findFirst().orElseThrow();
            assertTrue(row.contains(" mismatch "), row);
            assertTrue(row.contains("base at fault"), row);
            assertTrue(status.toString().contains("Audit (background, on mismatch eio): 10 of 10 files done"), status.toString());

            StringBuilder verify = new StringBuilder();
            assertEquals(4, runCli(verify, "verify", mount.mountpoint().resolve(MODEL).toString()), verify.toString());
            assertTrue(verify.toString().lines().anyMatch(l -> l.startsWith("UNREADABLE  " + SHARD)), verify.toString());
            assertTrue(verify.toString().contains("9 OK, 0 MISMATCH, 0 MISSING, 0 EXTRA, 1 UNREADABLE against tiny-llama-sft.md5"),
                    verify.toString());
        }
    }

    @Test
    void statusAndVerify_passOnGoodMount() throws Exception {
        try (MountedXormount mount = mount()) {
            awaitAudit(mount);
            byte[] config = Files.readAllBytes(served(mount, "config.json"));
            assertArrayEquals(Files.readAllBytes(demo.decoded().resolve("config.json")), config);

            StatusReport report = readStatus(mount);
            assertTrue(report.cache().bytesServed() >= config.length, report.toString());

            StringBuilder verify = new StringBuilder();
            assertEquals(0, runCli(verify, "verify", mount.mountpoint().resolve(MODEL).toString()), verify.toString());
            assertTrue(verify.toString().contains("10 OK, 0 MISMATCH"), verify.toString());

            StringBuilder status = new StringBuilder();
            assertEquals(0, runCli(status, "status", mount.mountpoint().toString()), status.toString());
            assertEquals(10, countLines(status.toString(), " verified "), status.toString());
        }
    }

    @Test
    void statusCommand_onPlainFolder_isBadInput() throws Exception {
        StringBuilder output = new StringBuilder();

        assertEquals(3, runCli(output, "status", temp.toString()), output.toString());
        assertTrue(output.toString().contains("is not an xormount mount"), output.toString());
    }
}
