package dev.xormount.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.checksum.Manifest;
import dev.xormount.checksum.Digests;
import dev.xormount.checksum.HashAlgorithm;
import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import dev.xormount.testing.DemoCopy;
import dev.xormount.testing.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnoserTest {
    private static final String SHARD = "pytorch_model-00001-of-00003.bin";

    @TempDir
    Path temp;

    private DemoCopy demo;
    private Manifest baseManifest;
    private final Diagnoser diagnoser = new Diagnoser(file -> Digests.ofFile(HashAlgorithm.MD5, file));

    @BeforeEach
    void copyDemo() throws Exception {
        demo = DemoCopy.create(temp);
        baseManifest = Manifest.read(Repo.root().resolve("checksums/tiny-llama-hf.md5"));
    }

    private Diagnosis diagnose(String name, boolean withBaseManifest) throws Exception {
        SourceFile payload = SourceFile.inspect(demo.payload().resolve(name));
        SourceFile base = name.equals("added_tokens.json") ? null : SourceFile.inspect(demo.base().resolve(name));
        try (DecodedFile file = new DecodedFile(name, payload, base)) {
            return diagnoser.diagnose(file, withBaseManifest ? baseManifest.hashOf(name) : null, baseManifest.name());
        }
    }

    @Test
    void diagnose_corruptBaseShard_blamesBase() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 1000);

        Diagnosis diagnosis = diagnose(SHARD, true);

        assertEquals(Diagnosis.Side.BASE, diagnosis.side());
        assertTrue(diagnosis.cause().contains("another conversion or transformers/torch version"), diagnosis.cause());
    }

    @Test
    void diagnose_crlfBaseJson_namesLineEndings() throws Exception {
        DemoCopy.toCrlf(demo.base().resolve("config.json"));

        Diagnosis diagnosis = diagnose("config.json", true);

        assertEquals(Diagnosis.Side.BASE, diagnosis.side());
        assertTrue(diagnosis.cause().contains("CRLF line endings"), diagnosis.cause());
    }

    @Test
    void diagnose_truncatedBaseShard_namesTruncation() throws Exception {
        DemoCopy.truncate(demo.base().resolve(SHARD), 100_000);

        Diagnosis diagnosis = diagnose(SHARD, true);

        assertEquals(Diagnosis.Side.BASE, diagnosis.side());
        assertTrue(diagnosis.cause().contains("is truncated"), diagnosis.cause());
    }

    @Test
    void diagnose_truncatedPayloadShard_blamesPayload() throws Exception {
        DemoCopy.truncate(demo.payload().resolve(SHARD), 200_000);

        Diagnosis diagnosis = diagnose(SHARD, true);

        assertEquals(Diagnosis.Side.PAYLOAD, diagnosis.side());
        assertTrue(diagnosis.cause().contains("is truncated"), diagnosis.cause());
    }

    @Test
    void diagnose_truncatedPayloadWithoutBaseManifest_blamesPayload() throws Exception {
        DemoCopy.truncate(demo.payload().resolve(SHARD), 200_000);

        assertEquals(Diagnosis.Side.PAYLOAD, diagnose(SHARD, false).side());
    }

    @Test
    void diagnose_lfsPointerPayload_namesGitLfs() throws Exception {
        DemoCopy.toLfsPointer(demo.payload().resolve(SHARD));

        Diagnosis diagnosis = diagnose(SHARD, true);

        assertEquals(Diagnosis.Side.PAYLOAD, diagnosis.side());
        assertTrue(diagnosis.cause().contains("git-lfs pointer"), diagnosis.cause());
    }

    @Test
    void diagnose_corruptPayloadWithGoodBase_blamesPayload() throws Exception {
        DemoCopy.corruptByte(demo.payload().resolve(SHARD), 1000);

        Diagnosis diagnosis = diagnose(SHARD, true);

        assertEquals(Diagnosis.Side.PAYLOAD, diagnosis.side());
        assertTrue(diagnosis.cause().contains("the base file matches tiny-llama-hf.md5"), diagnosis.cause());
    }

    @Test
    void diagnose_corruptBaseWithoutBaseManifest_isUnknown() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 1000);

        Diagnosis diagnosis = diagnose(SHARD, false);

        assertEquals(Diagnosis.Side.UNKNOWN, diagnosis.side());
        assertTrue(diagnosis.cause().contains("xormount verify"), diagnosis.cause());
    }

    @Test
    void diagnose_editedPlainFile_blamesPayload() throws Exception {
        Files.writeString(demo.payload().resolve("added_tokens.json"), "{\"<extra>\": 32016}\n");

        Diagnosis diagnosis = diagnose("added_tokens.json", true);

        assertEquals(Diagnosis.Side.PAYLOAD, diagnosis.side());
        assertTrue(diagnosis.cause().contains("served as is"), diagnosis.cause());
    }
}
