package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.checksum.ChecksumIndex;
import dev.xormount.testing.DemoCopy;
import dev.xormount.testing.Repo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code xormount verify} in-process and checks its output and exit code. */
class VerifyCommandTest {
    private static final String SHARD = "pytorch_model-00002-of-00003.bin";

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void useCommittedChecksums() {
        System.setProperty(ChecksumIndex.DIRECTORY_PROPERTY, Repo.root().resolve("checksums").toString());
    }

    @AfterAll
    static void clearChecksums() {
        System.clearProperty(ChecksumIndex.DIRECTORY_PROPERTY);
    }

    private int verify(String... args) {
        return Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    /** Returns the output line about {@code path} that starts with {@code outcome}; fails if there is none. */
    private String line(String outcome, String path) {
        String prefix = String.format("%-10s%s", outcome, path);
        return lines().stream().filter(l -> l.equals(prefix) || l.startsWith(prefix + "  ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in:\n" + out));
    }

    @Test
    void verify_demoTrees_passWithAutoPickedManifest() {
        assertEquals(ExitCodes.OK, verify("verify", Repo.demoFinetuned().toString()), err.toString());
        assertTrue(lines().contains("OK        " + SHARD), out.toString());
        assertTrue(out.toString().endsWith("10 OK, 0 MISMATCH, 0 MISSING, 0 EXTRA, 0 UNREADABLE against tiny-llama-sft.md5\n"), out.toString());
        assertTrue(err.toString().contains("against tiny-llama-sft.md5"), err.toString());

        assertEquals(ExitCodes.OK, verify("verify", Repo.demoBase().toString()), err.toString());
        assertTrue(out.toString().contains("against tiny-llama-hf.md5"), out.toString());
    }

    @Test
    void verify_corruptShard_printsBothHashes() throws Exception {
        DemoCopy demo = DemoCopy.create(temp);
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 100);

        int code = verify("verify", demo.base().toString());

        assertEquals(ExitCodes.CHECK_FAILED, code);
        String mismatch = line("MISMATCH", SHARD);
        assertTrue(mismatch.matches("MISMATCH  " + SHARD + "  expected 9280e0ca8a17b4541d58591a0eb7bcbe  actual [0-9a-f]{32}"), mismatch);
        assertTrue(lines().contains("OK        config.json"), out.toString());
    }

    @Test
    void verify_crlfJson_namesLineEndings() throws Exception {
        DemoCopy demo = DemoCopy.create(temp);
        DemoCopy.toCrlf(demo.base().resolve("config.json"));

        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", demo.base().toString()));

        String mismatch = line("MISMATCH", "config.json");
        assertTrue(mismatch.contains("expected 98dec2ab60db37c40e5e3ad742486286"), mismatch);
        assertTrue(mismatch.endsWith("(CRLF line endings: the file matches once converted to LF)"), mismatch);
    }

    @Test
    void verify_truncatedShard_namesTruncation() throws Exception {
        DemoCopy demo = DemoCopy.create(temp);
        DemoCopy.truncate(demo.decoded().resolve(SHARD), 4096);

        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", demo.decoded().toString()));

        String mismatch = line("MISMATCH", SHARD);
        assertTrue(mismatch.contains("truncated"), mismatch);
    }

    @Test
    void verify_lfsPointer_namesGitLfs() throws Exception {
        DemoCopy demo = DemoCopy.create(temp);
        DemoCopy.toLfsPointer(demo.decoded().resolve(SHARD));

        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", demo.decoded().toString()));

        String mismatch = line("MISMATCH", SHARD);
        assertTrue(mismatch.contains("git-lfs pointer"), mismatch);
        assertTrue(mismatch.contains("git lfs pull"), mismatch);
    }

    @Test
    void verify_missingAndExtraFiles_areListed() throws Exception {
        DemoCopy demo = DemoCopy.create(temp);
        Files.delete(demo.decoded().resolve("config.json"));
        Files.writeString(demo.decoded().resolve("notes.txt"), "mine\n");
        Files.writeString(demo.decoded().resolve(".hidden"), "not part of the tree\n");

        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", demo.decoded().toString()));

        assertTrue(lines().contains("MISSING   config.json  expected a3ca40232d1c32c2a978d247ac3752a0"), out.toString());
        assertTrue(lines().contains("EXTRA     notes.txt  not in the manifest"), out.toString());
        assertTrue(lines().stream().noneMatch(l -> l.contains(".hidden")), out.toString());
        assertTrue(out.toString().contains("9 OK, 0 MISMATCH, 1 MISSING, 1 EXTRA, 0 UNREADABLE"), out.toString());
    }

    @Test
    void verify_explicitChecksums_overridesPick() throws Exception {
        Path manifest = temp.resolve("only-config.md5");
        Files.writeString(manifest, "98dec2ab60db37c40e5e3ad742486286  config.json\n");

        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", "--checksums", manifest.toString(), Repo.demoBase().toString()));

        assertTrue(lines().contains("OK        config.json"), out.toString());
        assertTrue(lines().contains("EXTRA     tokenizer.json  not in the manifest"), out.toString());
    }

    @Test
    void verify_payloadFolder_hintsAtMounting() {
        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", Repo.demoPayload().toString()));

        assertEquals("OK        added_tokens.json", line("OK", "added_tokens.json"));
        assertTrue(err.toString().contains("is the XOR payload, mount it with 'xormount mount'"), err.toString());
    }

    @Test
    void verify_oneBadFile_printsNoPayloadHint() throws Exception {
        DemoCopy demo = DemoCopy.create(temp);
        DemoCopy.corruptByte(demo.decoded().resolve(SHARD), 100);

        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", demo.decoded().toString()));

        assertFalse(err.toString().contains("XOR payload"), err.toString());
    }

    @Test
    void verify_missingFolder_isBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, verify("verify", temp.resolve("none").toString()));

        assertTrue(err.toString().startsWith("xormount: error: folder " + temp.resolve("none") + " not found"), err.toString());
    }

    @Test
    void verify_unknownFileSet_asksForChecksums() throws Exception {
        Files.writeString(temp.resolve("a.txt"), "a");

        assertEquals(ExitCodes.BAD_INPUT, verify("verify", temp.toString()));

        assertTrue(err.toString().contains("no known manifest matches the files of " + temp), err.toString());
        assertTrue(err.toString().contains("pass --checksums FILE"), err.toString());
    }

    @Test
    void verify_sha256Manifest_checksPayloadDownload() throws Exception {
        Path manifest = Repo.root().resolve("checksums/tiny-llama-sft-xor.sha256");
        DemoCopy demo = DemoCopy.create(temp);
        DemoCopy.corruptByte(demo.payload().resolve(SHARD), 100);

        assertEquals(ExitCodes.OK, verify("verify", "--checksums", manifest.toString(), Repo.demoPayload().toString()), err.toString());
        assertTrue(lines().contains("OK        " + SHARD), out.toString());
        assertTrue(out.toString().endsWith("10 OK, 0 MISMATCH, 0 MISSING, 0 EXTRA, 0 UNREADABLE against tiny-llama-sft-xor.sha256\n"),
                out.toString());

        assertEquals(ExitCodes.CHECK_FAILED, verify("verify", "--checksums", manifest.toString(), demo.payload().toString()));
        String mismatch = line("MISMATCH", SHARD);
        assertTrue(mismatch.matches("MISMATCH  " + SHARD + "  expected [0-9a-f]{64}  actual [0-9a-f]{64}"), mismatch);
    }

    @Test
    void verify_invalidManifest_namesLine() throws Exception {
        Path manifest = temp.resolve("bad.md5");
        Files.writeString(manifest, "nonsense\n");

        assertEquals(ExitCodes.BAD_INPUT, verify("verify", "--checksums", manifest.toString(), Repo.demoBase().toString()));

        assertTrue(err.toString().contains("invalid line 1 in checksum manifest " + manifest), err.toString());
    }

    @Test
    void verify_zeroThreads_isBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, verify("verify", "--threads", "0", Repo.demoBase().toString()));
    }
}
