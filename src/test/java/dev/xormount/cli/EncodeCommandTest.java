package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.model.Model;
import dev.xormount.model.ModelScanner;
import dev.xormount.model.PlainRules;
import dev.xormount.testing.Md5;
import dev.xormount.testing.Repo;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code xormount encode} in this JVM on copies of the demo model. */
class EncodeCommandTest {
    @TempDir
    Path temp;

    private Path base;
    private Path finetuned;
    private Path out;

    @BeforeEach
    void copyDemo() throws IOException {
        base = Trees.copyFolder(Repo.demoBase(), temp.resolve("base"));
        finetuned = Trees.copyFolder(Repo.demoFinetuned(), temp.resolve("finetuned"));
        out = temp.resolve("payload");
    }

    @Test
    void encode_demo_reproducesPublishedPayload() throws IOException {
        CliRunner.Result result = encode();

        assertEquals(0, result.exitCode(), result.toString());
        for (String name : Trees.visibleFiles(Repo.demoPayload())) {
            assertArrayEquals(Files.readAllBytes(Repo.demoPayload().resolve(name)), Files.readAllBytes(out.resolve(name)), "payload " + name);
        }
        List<String> expectedFiles = new ArrayList<>(Trees.visibleFiles(Repo.demoPayload()));
        expectedFiles.addAll(List.of("checksums-base.md5", "checksums-decoded.md5", "checksums-payload.sha256"));
        assertEquals(expectedFiles.stream().sorted().toList(), Trees.visibleFiles(out), "files in the payload folder");
        try (Stream<Path> all = Files.list(out)) {
            assertEquals(List.of(), all.filter(p -> p.getFileName().toString().startsWith(".")).toList(), "hidden files in the payload folder");
        }
        assertTrue(result.out().startsWith("Encoded 10 files (1 plain,"), result.toString());
    }

    @Test
    void encode_demo_writesManifestsMatchingPublishedChecksums() throws IOException {
        assertEquals(0, encode().exitCode());

        assertEquals(new TreeMap<>(Md5.readManifest(Repo.demoManifest())), Md5.readManifest(out.resolve("checksums-decoded.md5")),
                "md5 of the decoded files");
        Map<String, String> neededBase = new TreeMap<>(Md5.readManifest(Repo.root().resolve("checksums/tiny-llama-hf.md5")));
        neededBase.remove("tokenizer.json");
        assertEquals(neededBase, Md5.readManifest(out.resolve("checksums-base.md5")), "md5 of the base files the payload needs");
        assertEquals(Files.readString(Repo.root().resolve("checksums/tiny-llama-sft-xor.sha256")),
                Files.readString(out.resolve("checksums-payload.sha256")), "sha256 of the payload files");
    }

    @Test
    void encode_output_manifestsNotScannedAsPayloadFiles() throws IOException {
        assertEquals(0, encode().exitCode());

        try (Model model = new ModelScanner(PlainRules.defaults(), false).scan("m", base, out)) {
            assertEquals(Trees.visibleFiles(Repo.demoFinetuned()), List.copyOf(model.files().keySet()), "files served");
        }
        Path decoded = temp.resolve("decoded");
        CliRunner.Result decode = CliRunner.run("decode", "--base", base.toString(), "--payload", out.toString(), decoded.toString());
        assertEquals(0, decode.exitCode(), decode.toString());
        assertTrue(decode.out().contains("verified against " + out.toRealPath().resolve("checksums-decoded.md5")), decode.toString());
        DecodeCommandTest.assertSameFiles(Repo.demoFinetuned(), decoded);
    }

    @Test
    void encode_fileWithoutBase_needsOption() throws IOException {
        Files.writeString(finetuned.resolve("README.md"), "# model card\n");
        Files.writeString(finetuned.resolve("extra.bin"), "extra");

        CliRunner.Result refused = encode("--no-progress");
        assertEquals(ExitCodes.BAD_INPUT, refused.exitCode(), refused.toString());
        assertEquals(1, refused.errLines().size(), refused.toString());
        assertTrue(refused.err().contains("README.md, extra.bin"), refused.toString());
        assertFalse(Files.exists(out), "nothing is written before the inputs are checked");

        CliRunner.Result plain = encode("--plain", "*.md", "--skip-missing");
        assertEquals(0, plain.exitCode(), plain.toString());
        assertEquals("# model card\n", Files.readString(out.resolve("README.md")));
        assertFalse(Files.exists(out.resolve("extra.bin")), "file left out with --skip-missing");
        assertTrue(plain.out().contains("left out extra.bin"), plain.toString());
        assertTrue(plain.out().contains("--plain '*.md'"), plain.toString());

        Path decoded = temp.resolve("decoded");
        CliRunner.Result decode = CliRunner.run("decode", "--base", base.toString(), "--payload", out.toString(),
                "--plain", "*.md", decoded.toString());
        assertEquals(0, decode.exitCode(), decode.toString());
        assertEquals("# model card\n", Files.readString(decoded.resolve("README.md")));
    }

    @Test
    void encode_existingOutput_needsForce() throws IOException {
        assertEquals(0, encode().exitCode());

        CliRunner.Result again = encode("--no-progress");
        assertEquals(ExitCodes.BAD_INPUT, again.exitCode(), again.toString());
        assertTrue(again.err().contains("--force"), again.toString());

        CliRunner.Result forced = encode("--force");
        assertEquals(0, forced.exitCode(), forced.toString());
    }

    @Test
    void encode_unrelatedOutputFile_rejected() throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "x");

        CliRunner.Result result = encode("--no-progress", "--force");

        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("not part of this payload: notes.txt"), result.toString());
    }

    @Test
    void encode_reservedManifestName_rejected() throws IOException {
        Files.writeString(finetuned.resolve("checksums-decoded.md5"), "x");

        CliRunner.Result result = encode("--no-progress");

        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("checksums-decoded.md5"), result.toString());
    }

    @Test
    void encode_outputInsideFinetune_rejected() {
        out = finetuned.resolve("payload");

        CliRunner.Result result = encode("--no-progress");

        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("lies inside the fine-tune folder"), result.toString());
        assertFalse(Files.exists(out), "nothing created inside the fine-tune folder");
    }

    private CliRunner.Result encode(String... extra) {
        List<String> args = new ArrayList<>(List.of("encode", "--base", base.toString(), "--finetuned", finetuned.toString()));
        args.addAll(List.of(extra));
        args.add(out.toString());
        return CliRunner.run(args.toArray(String[]::new));
    }
}
