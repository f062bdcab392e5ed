package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.checksum.ChecksumIndex;
import dev.xormount.testing.DemoCopy;
import dev.xormount.testing.Repo;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code xormount decode} in this JVM on copies of the demo model. */
class DecodeCommandTest {
    private static final String SHARD_2 = "pytorch_model-00002-of-00003.bin";

    @TempDir
    Path temp;

    private Path base;
    private Path payload;
    private Path out;

    @BeforeEach
    void copyDemo() throws IOException {
        base = Trees.copyFolder(Repo.demoBase(), temp.resolve("base"));
        payload = Trees.copyFolder(Repo.demoPayload(), temp.resolve("payload"));
        out = temp.resolve("out");
    }

    @Test
    void decode_demo_matchesFinetuneBytes() throws IOException {
        CliRunner.Result result = decode();

        assertEquals(0, result.exitCode(), result.toString());
        assertSameFiles(Repo.demoFinetuned(), out);
        assertEquals(List.of(), partialFiles(out), "temporary files left in " + out);
        assertTrue(result.out().startsWith("Decoded 10 files"), result.toString());
    }

    @Test
    void decode_existingFile_rejectedWithoutForce() throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("config.json"), "mine");

        CliRunner.Result result = decode("--no-progress");

        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().startsWith("xormount: error: output folder "), result.toString());
        assertTrue(result.err().contains("config.json"), result.toString());
        assertTrue(result.err().contains("--force"), result.toString());
        assertEquals("mine", Files.readString(out.resolve("config.json")));
        assertEquals(List.of("config.json"), Trees.visibleFiles(out), "files in the output folder");
    }

    @Test
    void decode_force_overwritesExistingFile() throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("config.json"), "mine");

        CliRunner.Result result = decode("--force");

        assertEquals(0, result.exitCode(), result.toString());
        assertSameFiles(Repo.demoFinetuned(), out);
    }

    @Test
    void decode_rerun_skipsRecordedFiles() throws IOException {
        assertEquals(0, decode().exitCode());
        Map<String, Object> before = identities(out);

        CliRunner.Result rerun = decode();

        assertEquals(0, rerun.exitCode(), rerun.toString());
        assertTrue(rerun.out().startsWith("Decoded 0 files"), rerun.toString());
        assertTrue(rerun.out().contains("skipped 10 already complete"), rerun.toString());
        assertEquals(before, identities(out), "inode and mtime of every output file");
    }

    @Test
    void decode_rerunWithoutRecord_verifiesAgainstManifest() throws IOException {
        assertEquals(0, decode().exitCode());
        Files.delete(out.resolve(".xormount-decoded"));
        Map<String, Object> before = identities(out);

        CliRunner.Result rerun = decode("--checksums", Repo.demoManifest().toString());

        assertEquals(0, rerun.exitCode(), rerun.toString());
        assertTrue(rerun.out().contains("skipped 10 already complete"), rerun.toString());
        assertEquals(before, identities(out), "inode and mtime of every output file");
    }

    @Test
    void decode_unrecordedFiles_rejected() throws IOException {
        assertEquals(0, decode().exitCode());
        Files.delete(out.resolve(".xormount-decoded"));

        CliRunner.Result rerun = decode("--no-progress");

        assertEquals(ExitCodes.BAD_INPUT, rerun.exitCode(), rerun.toString());
        assertTrue(rerun.err().contains("not known to be complete"), rerun.toString());
    }

    @Test
    void decode_changedOutputFile_notSkipped() throws IOException {
        assertEquals(0, decode().exitCode());
        Path shard = out.resolve(SHARD_2);
        byte[] bytes = Files.readAllBytes(shard);
        bytes[1000] ^= 1;
        Files.write(shard, bytes);

        CliRunner.Result rerun = decode("--no-progress", "--checksums", Repo.demoManifest().toString());

        assertEquals(ExitCodes.BAD_INPUT, rerun.exitCode(), rerun.toString());
        assertTrue(rerun.err().contains(SHARD_2), rerun.toString());
        assertEquals(1, rerun.errLines().size(), rerun.toString());
    }

    @Test
    void decode_corruptedBase_failsWithoutPartial() throws IOException {
        DemoCopy.corruptByte(base.resolve(SHARD_2), 200_000);

        CliRunner.Result result = decode("--no-progress", "--checksums", Repo.demoManifest().toString());

        assertEquals(ExitCodes.CHECK_FAILED, result.exitCode(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().startsWith("xormount: error: decoded " + SHARD_2 + " has md5 "), result.toString());
        assertTrue(result.err().contains("the base file " + base.resolve(SHARD_2)), result.toString());
        assertFalse(Files.exists(out.resolve(SHARD_2)), "mismatching file must not be written");
        assertEquals(List.of(), partialFiles(out), "temporary files left in " + out);
    }

    @Test
    void decode_publishedManifest_usedByDefault() throws IOException {
        Files.copy(Repo.demoManifest(), payload.resolve("checksums-decoded.md5"));

        CliRunner.Result result = decode();

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("verified against " + payload.toRealPath().resolve("checksums-decoded.md5")), result.toString());
        assertSameFiles(Repo.demoFinetuned(), out);
    }

    @Test
    void decode_publishedManifestAndCorruptedBase_fails() throws IOException {
        Files.copy(Repo.demoManifest(), payload.resolve("checksums-decoded.md5"));
        DemoCopy.corruptByte(base.resolve("config.json"), 10);

        CliRunner.Result result = decode("--no-progress");

        assertEquals(ExitCodes.CHECK_FAILED, result.exitCode(), result.toString());
        assertTrue(result.err().contains("decoded config.json has md5"), result.toString());
        assertFalse(Files.exists(out.resolve("config.json")), "mismatching file must not be written");
    }

    @Test
    void decode_knownModel_verifiesAgainstIndex() throws IOException {
        CliRunner.Result result = withCommittedChecksums(() -> decode("--no-progress"));

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("verified against " + Repo.demoManifest()), result.toString());
        assertSameFiles(Repo.demoFinetuned(), out);
    }

    @Test
    void decode_knownModelAndCorruptedBase_fails() throws IOException {
        DemoCopy.corruptByte(base.resolve(SHARD_2), 200_000);

        CliRunner.Result result = withCommittedChecksums(() -> decode("--no-progress"));

        assertEquals(ExitCodes.CHECK_FAILED, result.exitCode(), result.toString());
        assertEquals(1, result.errLines().size(), result.toString());
        assertTrue(result.err().startsWith("xormount: error: decoded " + SHARD_2 + " has md5 "), result.toString());
        assertTrue(result.err().contains(" but " + Repo.demoManifest() + " lists "), result.toString());
        assertFalse(Files.exists(out.resolve(SHARD_2)), "mismatching file must not be written");
        assertEquals(List.of(), partialFiles(out), "temporary files left in " + out);
    }

    @Test
    void decode_knownModelName_verifiesPartialPayload() throws IOException {
        payload = Trees.copyFolder(Repo.demoPayload(), temp.resolve("tiny-llama-sft-xor"));
        Files.delete(payload.resolve("generation_config.json"));

        CliRunner.Result result = withCommittedChecksums(() -> decode("--no-progress"));

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("Decoded 9 files"), result.toString());
        assertTrue(result.out().contains("verified against " + Repo.demoManifest()), result.toString());
    }

    @Test
    void decode_noManifestKnown_checksLengthsOnly() throws IOException {
        CliRunner.Result result = decode("--no-progress");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("lengths checked, no checksum manifest"), result.toString());
    }

    @Test
    void decode_fileWithoutBase_needsOption() throws IOException {
        Files.writeString(payload.resolve("extra.txt"), "plain text");

        CliRunner.Result refused = decode("--no-progress");
        assertEquals(ExitCodes.BAD_INPUT, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("extra.txt"), refused.toString());
        assertFalse(Files.exists(out), "nothing is written before the inputs are checked");

        CliRunner.Result skipped = decode("--skip-missing");
        assertEquals(0, skipped.exitCode(), skipped.toString());
        assertFalse(Files.exists(out.resolve("extra.txt")), "left-out file");

        CliRunner.Result plain = decode("--plain", "*.txt");
        assertEquals(0, plain.exitCode(), plain.toString());
        assertEquals("plain text", Files.readString(out.resolve("extra.txt")));
    }

    @Test
    void decode_badInputs_oneLineErrors() throws IOException {
        Path malformed = Files.writeString(temp.resolve("bad.md5"), "not a checksum line\n");
        Path aFile = Files.writeString(temp.resolve("a-file"), "x");
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"base folder " + temp.resolve("nope") + " not found",
            "--base", temp.resolve("nope").toString(), "--payload", payload.toString(), out.toString()});
        cases.add(new String[] {"lies inside the payload folder",
            "--base", base.toString(), "--payload", payload.toString(), payload.resolve("decoded").toString()});
        cases.add(new String[] {"lies inside the base folder",
            "--base", base.toString(), "--payload", payload.toString(), base.toString()});
        cases.add(new String[] {"checksum manifest " + temp.resolve("none.md5") + " not found",
            "--base", base.toString(), "--payload", payload.toString(), "--checksums", temp.resolve("none.md5").toString(), out.toString()});
        cases.add(new String[] {"invalid line 1 in checksum manifest " + malformed,
            "--base", base.toString(), "--payload", payload.toString(), "--checksums", malformed.toString(), out.toString()});
        cases.add(new String[] {"invalid --chunk-size 1000",
            "--base", base.toString(), "--payload", payload.toString(), "--chunk-size", "1000", out.toString()});
        cases.add(new String[] {"output path " + aFile + " is a file",
            "--base", base.toString(), "--payload", payload.toString(), aFile.toString()});
        cases.add(new String[] {"base and payload are the same folder",
            "--base", payload.toString(), "--payload", payload.toString(), out.toString()});

        for (String[] entry : cases) {
            String expected = entry[0];
            List<String> args = new ArrayList<>(List.of("decode", "--no-progress"));
            args.addAll(List.of(entry).subList(1, entry.length));
            CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
            assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), expected + ": " + result);
            assertEquals(1, result.errLines().size(), expected + ": " + result);
            assertTrue(result.err().startsWith("xormount: error: "), expected + ": " + result);
            assertTrue(result.err().contains(expected), expected + ": " + result);
        }
        assertEquals(Trees.visibleFiles(Repo.demoPayload()), Trees.visibleFiles(payload), "payload folder left unchanged");
        assertEquals(Trees.visibleFiles(Repo.demoBase()), Trees.visibleFiles(base), "base folder left unchanged");
        assertFalse(Files.exists(out), "no output folder created");
    }

    @Test
    void decode_outputLocked_rejected() throws IOException {
        Files.createDirectories(out);
        try (FileChannel channel = FileChannel.open(out.resolve(".xormount-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            CliRunner.Result result = decode("--no-progress");

            assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
            assertTrue(result.err().contains("another xormount decode is writing to " + out.toRealPath()), result.toString());
            assertEquals(List.of(), Trees.visibleFiles(out), "files in the output folder");
        }
    }

    @Test
    void decode_missingOutDir_usageError() {
        CliRunner.Result result = CliRunner.run("decode", "--base", base.toString(), "--payload", payload.toString());

        assertEquals(ExitCodes.USAGE, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("xormount: error: Missing required parameter: 'OUT_DIR'"), result.toString());
    }

    /** Runs {@code decode} with the committed checksums folder as the launcher passes it. */
    private static CliRunner.Result withCommittedChecksums(Supplier<CliRunner.Result> decode) {
        System.setProperty(ChecksumIndex.DIRECTORY_PROPERTY, Repo.root().resolve("checksums").toString());
        try {
            return decode.get();
        } finally {
            System.clearProperty(ChecksumIndex.DIRECTORY_PROPERTY);
        }
    }

    private CliRunner.Result decode(String... extra) {
        List<String> args = new ArrayList<>(List.of("decode", "--base", base.toString(), "--payload", payload.toString()));
        args.addAll(List.of(extra));
        args.add(out.toString());
        return CliRunner.run(args.toArray(String[]::new));
    }

    static void assertSameFiles(Path expected, Path actual) throws IOException {
        assertEquals(Trees.visibleFiles(expected), Trees.visibleFiles(actual), "files in " + actual);
        for (String name : Trees.visibleFiles(expected)) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)), "bytes of " + name);
        }
    }

    static List<String> partialFiles(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xormount-partial")).toList();
        }
    }

    private static Map<String, Object> identities(Path folder) throws IOException {
        Map<String, Object> identities = new HashMap<>();
        for (String name : Trees.visibleFiles(folder)) {
            Path file = folder.resolve(name);
            FileTime modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
            identities.put(name, Files.getAttribute(file, "unix:ino") + "@" + modified);
        }
        return identities;
    }
}
