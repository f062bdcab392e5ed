package dev.xormount.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.UserException;
import dev.xormount.testing.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumIndexTest {
    @TempDir
    Path temp;

    private static ChecksumIndex committed() throws Exception {
        return ChecksumIndex.load(Repo.root().resolve("checksums"));
    }

    @Test
    void load_committedFolder_pairsDecodedWithBase() throws Exception {
        ChecksumIndex index = committed();

        assertEquals(List.of("llama-30b-hf.md5", "llama-30b.md5", "oasst-sft-6-llama-30b.md5", "tiny-llama-hf.md5", "tiny-llama-sft.md5"),
                index.manifests().stream().map(Manifest::name).toList());
        assertEquals(2, index.models().size());
        for (ChecksumIndex.KnownModel model : index.models()) {
            assertEquals(List.of("added_tokens.json"), model.plain(), model.decoded().name());
        }
    }

    @Test
    void modelFor_oasstFileSet_findsPublishedManifests() throws Exception {
        ChecksumIndex index = committed();
        Set<String> payloadFiles = Manifest.read(Repo.root().resolve("checksums/oasst-sft-6-llama-30b.md5")).hashes().keySet();

        ChecksumIndex.KnownModel model = index.modelFor("any-name", payloadFiles).orElseThrow();

        assertEquals("oasst-sft-6-llama-30b.md5", model.decoded().name());
        assertEquals("llama-30b-hf.md5", model.base().name());
    }

    @Test
    void modelFor_demoFileSet_findsDemoManifests() throws Exception {
        Set<String> files = Verifier.listFiles(Repo.demoPayload()).keySet();

        ChecksumIndex.KnownModel model = committed().modelFor("renamed", files).orElseThrow();

        assertEquals("tiny-llama-sft.md5", model.decoded().name());
        assertEquals("tiny-llama-hf.md5", model.base().name());
    }

    @Test
    void modelFor_partialFileSet_matchesByName() throws Exception {
        Set<String> files = Set.of("config.json");

        assertEquals("tiny-llama-sft.md5", committed().modelFor("tiny-llama-sft", files).orElseThrow().decoded().name());
        assertTrue(committed().modelFor("other", files).isEmpty());
    }

    @Test
    void manifestFor_exactFileSets_pickEachTree() throws Exception {
        ChecksumIndex index = committed();

        assertEquals("tiny-llama-hf.md5", index.manifestFor(Verifier.listFiles(Repo.demoBase()).keySet()).orElseThrow().name());
        assertEquals("tiny-llama-sft.md5", index.manifestFor(Verifier.listFiles(Repo.demoFinetuned()).keySet()).orElseThrow().name());
    }

    @Test
    void manifestFor_oneFileMissing_picksClosest() throws Exception {
        Set<String> files = new HashSet<>(Verifier.listFiles(Repo.demoFinetuned()).keySet());
        files.remove("config.json");
        files.add("notes.txt");

        assertEquals("tiny-llama-sft.md5", committed().manifestFor(files).orElseThrow().name());
    }

    @Test
    void manifestFor_unrelatedFiles_findsNothing() throws Exception {
        assertTrue(committed().manifestFor(Set.of("a.txt", "b.txt", "config.json")).isEmpty());
    }

    @Test
    void load_indexNamingMissingManifest_isRejected() throws Exception {
        Files.writeString(temp.resolve("a.md5"), "0123456789abcdef0123456789abcdef  a.json\n");
        Files.writeString(temp.resolve("index.json"), "{\"models\": [{\"decoded\": \"a.md5\", \"base\": \"gone.md5\"}]}");

        UserException error = assertThrows(UserException.class, () -> ChecksumIndex.load(temp));

        assertTrue(error.getMessage().contains("names manifest 'gone.md5'"), error.getMessage());
    }

    @Test
    void load_sha256InMd5File_isRejected() throws Exception {
        Files.writeString(temp.resolve("a.md5"), "c9ef6877601323f023bffebdedddf941cc6260ebc8560dfa1e4c85021147bbad  a.json\n");

        UserException error = assertThrows(UserException.class, () -> ChecksumIndex.load(temp));

        assertTrue(error.getMessage().contains(temp.resolve("a.md5") + " lists sha256 digests, but the checksums folder needs md5"),
                error.getMessage());
    }

    @Test
    void load_invalidJson_isRejected() throws Exception {
        Files.writeString(temp.resolve("index.json"), "{\"models\": [");

        UserException error = assertThrows(UserException.class, () -> ChecksumIndex.load(temp));

        assertTrue(error.getMessage().startsWith("invalid checksum index"), error.getMessage());
    }

    @Test
    void load_entryWithoutBase_hasNullBase() throws Exception {
        Files.writeString(temp.resolve("a.md5"), "0123456789abcdef0123456789abcdef  a.json\n");
        Files.writeString(temp.resolve("index.json"), "{\"models\": [{\"decoded\": \"a.md5\"}]}");

        ChecksumIndex.KnownModel model = ChecksumIndex.load(temp).models().get(0);

        assertNull(model.base());
        assertEquals(List.of(), model.plain());
    }
}
