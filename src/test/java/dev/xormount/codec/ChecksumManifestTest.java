package dev.xormount.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumManifestTest {
    private static final String MD5 = "5ef920ce15e01a71a43be28411083d28";
    private static final String SHA256 = "c9ef6877601323f023bffebdedddf941cc6260ebc8560dfa1e4c85021147bbad";

    @TempDir
    Path temp;

    @Test
    void read_md5sumFormats() throws IOException {
        Path file = Files.writeString(temp.resolve("m.md5"), MD5 + "  ./a.json\n\n" + MD5.toUpperCase() + " *sub/b c.bin\n");

        ChecksumManifest manifest = ChecksumManifest.read(file);

        assertEquals(ChecksumManifest.MD5, manifest.algorithm());
        assertEquals(Map.of("a.json", MD5, "sub/b c.bin", MD5), manifest.entries());
    }

    @Test
    void read_sha256Detected() throws IOException {
        Path file = Files.writeString(temp.resolve("m.sha256"), SHA256 + "  a.json\n");

        assertEquals(ChecksumManifest.SHA256, ChecksumManifest.read(file).algorithm());
    }

    @Test
    void read_mixedDigests_rejected() throws IOException {
        Path file = Files.writeString(temp.resolve("m"), MD5 + "  a\n" + SHA256 + "  b\n");

        UserException e = assertThrows(UserException.class, () -> ChecksumManifest.read(file));
        assertTrue(e.getMessage().contains("mixes md5 and sha256 digests (line 2)"), e.getMessage());
    }

    @Test
    void read_emptyFile_rejected() throws IOException {
        Path file = Files.writeString(temp.resolve("m"), "\n");

        UserException e = assertThrows(UserException.class, () -> ChecksumManifest.read(file));
        assertTrue(e.getMessage().contains("lists no files"), e.getMessage());
    }

    @Test
    void write_thenRead_sameEntries() throws IOException {
        Path file = temp.resolve("out.md5");
        ChecksumManifest.write(file, Map.of("z.bin", MD5, "a/b.json", MD5));

        assertEquals(MD5 + "  a/b.json\n" + MD5 + "  z.bin\n", Files.readString(file));
        assertEquals(Map.of("z.bin", MD5, "a/b.json", MD5), ChecksumManifest.read(file).entries());
    }
}
