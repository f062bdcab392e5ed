package dev.xormount.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.UserException;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelScannerTest {
    @TempDir
    Path temp;
    Path base;
    Path payload;
    final Random random = new Random(7);
    final ModelScanner scanner = new ModelScanner(PlainRules.defaults(), false);

    @BeforeEach
    void createFolders() throws IOException {
        base = Files.createDirectories(temp.resolve("llama-hf"));
        payload = Files.createDirectories(temp.resolve("model-xor"));
    }

    @Test
    void scan_pairsFilesAndHidesBaseOnlyFiles() throws IOException {
        writeBoth("pytorch_model-00001-of-00002.bin", 5000, 4000);
        writeBoth("config.json", 100, 120);
        Trees.writeRandom(base.resolve("tokenizer.json"), 50, random);
        Trees.writeRandom(payload.resolve("added_tokens.json"), 30, random);
        try (Model model = scanner.scan("model", base, payload)) {
            assertEquals(Set.of("pytorch_model-00001-of-00002.bin", "config.json", "added_tokens.json"), model.files().keySet());
            assertTrue(model.files().get("added_tokens.json").isPlain(), "added_tokens.json is plain");
            assertFalse(model.files().get("config.json").isPlain());
            assertEquals(5000, model.files().get("pytorch_model-00001-of-00002.bin").size());
        }
    }

    @Test
    void scan_missingBaseFiles_listsEveryOne() throws IOException {
        writeBoth("config.json", 100, 100);
        Trees.writeRandom(payload.resolve("pytorch_model-00001-of-00002.bin"), 10, random);
        Trees.writeRandom(payload.resolve("pytorch_model-00002-of-00002.bin"), 10, random);
        UserException error = assertThrows(UserException.class, () -> scanner.scan("model", base, payload));
        assertTrue(error.getMessage().contains("pytorch_model-00001-of-00002.bin, pytorch_model-00002-of-00002.bin"), error.getMessage());
        assertTrue(error.getMessage().contains("--skip-missing"), error.getMessage());
    }

    @Test
    void scan_skipMissing_servesTheRest() throws IOException {
        writeBoth("config.json", 100, 100);
        Trees.writeRandom(payload.resolve("pytorch_model-00002-of-00002.bin"), 10, random);
        try (Model model = new ModelScanner(PlainRules.defaults(), true).scan("model", base, payload)) {
            assertEquals(Set.of("config.json"), model.files().keySet());
            assertEquals(Set.of("pytorch_model-00002-of-00002.bin"), model.skipped().keySet());
        }
    }

    @Test
    void scan_emptyPayload_isRejected() {
        UserException error = assertThrows(UserException.class, () -> scanner.scan("model", base, payload));
        assertTrue(error.getMessage().contains("holds no files"), error.getMessage());
    }

    @Test
    void scan_sameFolderForBoth_isRejected() throws IOException {
        writeBoth("config.json", 10, 10);
        UserException error = assertThrows(UserException.class, () -> scanner.scan("model", base, base));
        assertTrue(error.getMessage().contains("same folder"), error.getMessage());
    }

    @Test
    void scan_missingOrFileFolders_areRejectedWithOption() throws IOException {
        Path file = Files.writeString(temp.resolve("file.txt"), "x");
        UserException missing = assertThrows(UserException.class, () -> scanner.scan("model", temp.resolve("nope"), payload));
        assertTrue(missing.getMessage().startsWith("base folder " + temp.resolve("nope") + " not found"), missing.getMessage());
        assertTrue(missing.getMessage().contains("--base"), missing.getMessage());
        UserException notFolder = assertThrows(UserException.class, () -> scanner.scan("model", base, file));
        assertTrue(notFolder.getMessage().contains("is a file, not a folder"), notFolder.getMessage());
        assertTrue(notFolder.getMessage().contains("--payload"), notFolder.getMessage());
    }

    @Test
    void scan_gitLfsPointer_isRejected() throws IOException {
        writeBoth("config.json", 10, 10);
        Trees.writeRandom(base.resolve("pytorch_model.bin"), 1000, random);
        Files.writeString(payload.resolve("pytorch_model.bin"), "version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 9876543210\n");
        UserException error = assertThrows(UserException.class, () -> scanner.scan("model", base, payload));
        assertTrue(error.getMessage().contains("Git LFS pointers"), error.getMessage());
        assertTrue(error.getMessage().contains("pytorch_model.bin"), error.getMessage());
        assertTrue(error.getMessage().contains("git lfs pull"), error.getMessage());
    }

    @Test
    void scan_gzipPayload_isRejected() throws IOException {
        Trees.writeRandom(base.resolve("pytorch_model.bin"), 1000, random);
        byte[] gzip = new byte[1000];
        random.nextBytes(gzip);
        gzip[0] = 0x1f;
        gzip[1] = (byte) 0x8b;
        gzip[2] = 0x08;
        Files.write(payload.resolve("pytorch_model.bin"), gzip);
        UserException error = assertThrows(UserException.class, () -> scanner.scan("model", base, payload));
        assertTrue(error.getMessage().contains("gzip payloads are not served yet"), error.getMessage());
    }

    @Test
    void scan_nestedPayloadFolder_descends() throws IOException {
        writeBoth("config.json", 10, 10);
        Path outer = Files.createDirectories(temp.resolve("outer-xor"));
        Files.move(payload, outer.resolve("model-xor"));
        Files.writeString(outer.resolve(".gitattributes"), "*.bin filter=lfs\n");
        try (Model model = scanner.scan("model", base, outer)) {
            assertEquals(outer.resolve("model-xor").toRealPath(), model.payloadDir());
            assertEquals(Set.of("config.json"), model.files().keySet());
        }
    }

    @Test
    void scan_symlinksFollowedAndIrregularTargetsSkipped() throws IOException {
        Path blobs = Files.createDirectories(temp.resolve("blobs"));
        Trees.writeRandom(blobs.resolve("abc123"), 500, random);
        Trees.writeRandom(base.resolve("model.bin"), 500, random);
        Files.createSymbolicLink(payload.resolve("model.bin"), blobs.resolve("abc123"));
        Files.createSymbolicLink(payload.resolve("dangling.bin"), temp.resolve("missing"));
        Path fifo = payload.resolve("pipe.bin");
        assertEquals(0, runQuietly("mkfifo", fifo.toString()));
        try (Model model = scanner.scan("model", base, payload)) {
            assertEquals(Set.of("model.bin"), model.files().keySet());
            assertEquals(blobs.resolve("abc123").toRealPath(), model.files().get("model.bin").payload().realPath());
            assertTrue(model.skipped().get("dangling.bin").contains("dangling symlink"), model.skipped().toString());
            assertTrue(model.skipped().get("pipe.bin").contains("not a regular file"), model.skipped().toString());
        }
    }

    @Test
    void scan_hiddenEntriesAndSubfolders_handled() throws IOException {
        writeBoth("config.json", 10, 10);
        Files.createDirectories(payload.resolve(".git"));
        Files.writeString(payload.resolve(".gitattributes"), "x");
        Files.createDirectories(base.resolve("sub"));
        Files.createDirectories(payload.resolve("sub"));
        Trees.writeRandom(base.resolve("sub/part.bin"), 100, random);
        Trees.writeRandom(payload.resolve("sub/part.bin"), 100, random);
        try (Model model = scanner.scan("model", base, payload)) {
            assertEquals(Set.of("config.json", "sub/part.bin"), model.files().keySet());
            assertEquals(Set.of("sub"), model.directories());
        }
    }

    @Test
    void scan_symlinkToAncestorFolder_isSkippedNotFollowed() throws IOException {
        writeBoth("config.json", 10, 10);
        Files.createSymbolicLink(payload.resolve("loop"), temp);
        try (Model model = scanner.scan("model", base, payload)) {
            assertEquals(Set.of("config.json"), model.files().keySet());
            assertTrue(model.skipped().get("loop").contains("symlink to a folder"), model.skipped().toString());
        }
    }

    @Test
    void scan_onlyFolderLinksToItself_stopsDescending() throws IOException {
        Files.createSymbolicLink(payload.resolve("self"), payload);
        UserException error = assertThrows(UserException.class, () -> scanner.scan("model", base, payload));
        assertTrue(error.getMessage().contains("holds no files"), error.getMessage());
    }

    @Test
    void scan_manyMissingBaseFiles_messageStaysShort() throws IOException {
        for (int i = 0; i < 40; i++) {
            Trees.writeRandom(payload.resolve(String.format("shard-%02d.bin", i)), 10, random);
        }
        UserException error = assertThrows(UserException.class, () -> scanner.scan("model", base, payload));
        assertTrue(error.getMessage().contains("shard-09.bin and 30 more"), error.getMessage());
        assertFalse(error.getMessage().contains("shard-10.bin"), error.getMessage());
    }

    @Test
    void plainRules_globWithoutSlashMatchesNames() {
        PlainRules rules = new PlainRules(List.of("*.json", "tok/*.model"));
        assertTrue(rules.isPlain("added_tokens.json"));
        assertTrue(rules.isPlain("sub/config.json"));
        assertTrue(rules.isPlain("tok/a.model"));
        assertFalse(rules.isPlain("a.model"));
        assertFalse(rules.isPlain("pytorch_model.bin"));
    }

    private void writeBoth(String name, int payloadLength, int baseLength) throws IOException {
        Trees.writeRandom(payload.resolve(name), payloadLength, random);
        Trees.writeRandom(base.resolve(name), baseLength, random);
    }

    private static int runQuietly(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
