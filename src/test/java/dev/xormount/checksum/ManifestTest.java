package dev.xormount.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.UserException;
import dev.xormount.codec.PartialFile;
import dev.xormount.testing.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    private static final String MD5 = "5ef920ce15e01a71a43be28411083d28";
    private static final String SHA256 = "c9ef6877601323f023bffebdedddf941cc6260ebc8560dfa1e4c85021147bbad";

    @TempDir
    Path temp;

    @Test
    void parse_md5sumLines_normalizesPathsAndHex() {
        Manifest manifest = Manifest.parse("m.md5", """
                # comment
                0123456789ABCDEF0123456789abcdef  ./b.json
                ffffffffffffffffffffffffffffffff *sub/a.bin

                """);

        assertEquals(Map.of("b.json", "0123456789abcdef0123456789abcdef", "sub/a.bin", "ffffffffffffffffffffffffffffffff"),
                manifest.hashes());
        assertEquals(List.of("b.json", "sub/a.bin"), List.copyOf(manifest.hashes().keySet()));
        assertEquals("m", manifest.treeName());
        assertNull(manifest.hashOf("missing.json"));
    }

    @Test
    void parse_crlfText_readsSameEntries() {
        Manifest manifest = Manifest.parse("m.md5", "0123456789abcdef0123456789abcdef  a.json\r\n");

        assertEquals("0123456789abcdef0123456789abcdef", manifest.hashOf("a.json"));
    }

    @Test
    void parse_invalidLine_namesLineNumber() {
        UserException error = assertThrows(UserException.class,
                () -> Manifest.parse("m.md5", "0123456789abcdef0123456789abcdef  a.json\nnot a line\n"));

        assertTrue(error.getMessage().contains("invalid line 2 in checksum manifest m.md5"), error.getMessage());
    }

    @Test
    void parse_shortHash_isRejected() {
        assertThrows(UserException.class, () -> Manifest.parse("m.md5", "0123456789abcdef  a.json\n"));
    }

    @Test
    void parse_repeatedPath_isRejected() {
        UserException error = assertThrows(UserException.class, () -> Manifest.parse("m.md5",
                "0123456789abcdef0123456789abcdef  a.json\n0123456789abcdef0123456789abcdef  ./a.json\n"));

        assertTrue(error.getMessage().contains("lists a.json twice"), error.getMessage());
    }

    @Test
    void parse_noEntries_isRejected() {
        assertThrows(UserException.class, () -> Manifest.parse("m.md5", "\n# only a comment\n"));
    }

    @Test
    void read_missingFile_namesPath() {
        UserException error = assertThrows(UserException.class, () -> Manifest.read(temp.resolve("none.md5")));

        assertTrue(error.getMessage().contains("none.md5 not found"), error.getMessage());
    }

    @Test
    void format_writtenThenRead_roundTripsSorted() throws Exception {
        Manifest manifest = Manifest.parse("x.md5",
                "ffffffffffffffffffffffffffffffff  z.bin\n0123456789abcdef0123456789abcdef  ./a.json\n");
        Path file = temp.resolve("x.md5");

        PartialFile.writeString(file, manifest.format());

        assertEquals("0123456789abcdef0123456789abcdef  a.json\nffffffffffffffffffffffffffffffff  z.bin\n",
                Files.readString(file, StandardCharsets.UTF_8));
        assertEquals(manifest.hashes(), Manifest.read(file).hashes());
    }

    @Test
    void committedManifests_areSortedMd5sumText() throws Exception {
        try (var files = Files.newDirectoryStream(Repo.root().resolve("checksums"), "*.md5")) {
            for (Path file : files) {
                assertEquals(Files.readString(file), Manifest.read(file).format(), file + " is not in sorted md5sum form");
            }
        }
    }

    @Test
    void committedOasstManifests_holdPublishedHashes() throws Exception {
        Path checksums = Repo.root().resolve("checksums");
        Manifest decoded = Manifest.read(checksums.resolve("oasst-sft-6-llama-30b.md5"));
        Manifest hf = Manifest.read(checksums.resolve("llama-30b-hf.md5"));
        Manifest original = Manifest.read(checksums.resolve("llama-30b.md5"));

        assertEquals(14, decoded.hashes().size());
        assertEquals("ff6e4cf43ddf02fb5d3960f850af1220", decoded.hashOf("pytorch_model-00001-of-00007.bin"));
        assertEquals("27b0dc092f99aa2efaf467b2d8026c3f", decoded.hashOf("added_tokens.json"));
        assertEquals(14, hf.hashes().size());
        assertEquals("462a2d07f65776f27c0facfa2affb9f9", hf.hashOf("pytorch_model-00007-of-00007.bin"));
        assertEquals("fdb311c39b8659a5d5c1991339bafc09", hf.hashOf("tokenizer.json"));
        assertEquals(5, original.hashes().size());
        assertEquals("f856e9d99c30855d6ead4d00cc3a5573", original.hashOf("consolidated.00.pth"));
        assertEquals("4babdbd05b8923226a9e9622492054b6", original.hashOf("params.json"));
    }

    @Test
    void md5_ofFile_matchesKnownVector() throws Exception {
        Path file = temp.resolve("abc");
        Files.writeString(file, "abc");

        assertEquals("900150983cd24fb0d6963f7d28e17f72", Digests.ofFile(HashAlgorithm.MD5, file));
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", Digests.of(HashAlgorithm.MD5, new byte[0]));
    }

    @Test
    void sha256_ofFile_matchesKnownVector() throws Exception {
        Path file = temp.resolve("abc");
        Files.writeString(file, "abc");

        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Digests.ofFile(HashAlgorithm.SHA256, file));
    }

    @Test
    void read_md5sumFormats() throws IOException {
        Path file = Files.writeString(temp.resolve("m.md5"), MD5 + "  ./a.json\n\n" + MD5.toUpperCase() + " *sub/b c.bin\n");

        Manifest manifest = Manifest.read(file);

        assertEquals(HashAlgorithm.MD5, manifest.algorithm());
        assertEquals(Map.of("a.json", MD5, "sub/b c.bin", MD5), manifest.hashes());
        assertEquals("m.md5", manifest.name());
        assertEquals(file.toString(), manifest.location());
    }

    @Test
    void read_sha256Detected() throws IOException {
        Path file = Files.writeString(temp.resolve("m.sha256"), SHA256 + "  a.json\n");

        Manifest manifest = Manifest.read(file);

        assertEquals(HashAlgorithm.SHA256, manifest.algorithm());
        assertEquals("m", manifest.treeName());
    }

    @Test
    void read_mixedDigests_rejected() throws IOException {
        Path file = Files.writeString(temp.resolve("m"), MD5 + "  a\n" + SHA256 + "  b\n");

        UserException e = assertThrows(UserException.class, () -> Manifest.read(file));
        assertTrue(e.getMessage().contains("mixes md5 and sha256 digests (line 2)"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void read_emptyFile_rejected() throws IOException {
        Path file = Files.writeString(temp.resolve("m"), "\n");

        UserException e = assertThrows(UserException.class, () -> Manifest.read(file));
        assertTrue(e.getMessage().contains("lists no files"), e.getMessage());
    }

    @Test
    void read_folder_namesPath() {
        UserException e = assertThrows(UserException.class, () -> Manifest.read(temp));

        assertTrue(e.getMessage().contains("checksum manifest " + temp + " cannot be read"), e.getMessage());
    }

    @Test
    void of_writtenThenRead_sameEntries() throws IOException {
        Path file = temp.resolve("out.md5");
        PartialFile.writeString(file, Manifest.of("out.md5", HashAlgorithm.MD5, Map.of("z.bin", MD5, "a/b.json", MD5)).format());

        assertEquals(MD5 + "  a/b.json\n" + MD5 + "  z.bin\n", Files.readString(file));
        assertEquals(Map.of("z.bin", MD5, "a/b.json", MD5), Manifest.read(file).hashes());
    }

    @Test
    void of_wrongDigestLength_rejected() {
        assertThrows(IllegalArgumentException.class, () -> Manifest.of("x.md5", HashAlgorithm.MD5, Map.of("a", SHA256)));
        assertThrows(IllegalArgumentException.class, () -> Manifest.of("x.md5", HashAlgorithm.MD5, Map.of("a", MD5.toUpperCase())));
    }

    @Test
    void requireAlgorithm_otherAlgorithm_namesBothAndFix() throws IOException {
        Manifest sha256 = Manifest.read(Files.writeString(temp.resolve("m.sha256"), SHA256 + "  a.json\n"));

        UserException e = assertThrows(UserException.class, () -> sha256.requireAlgorithm(HashAlgorithm.MD5, "the audit", "pass md5"));

        assertTrue(e.getMessage().contains("lists sha256 digests, but the audit needs md5; pass md5"), e.getMessage());
        assertEquals(sha256, sha256.requireAlgorithm(HashAlgorithm.SHA256, "the audit", "pass md5"));
    }
}
