package dev.xormount.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import dev.xormount.testing.DemoCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditStoreTest {
    private static final String EXPECTED = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path temp;

    @Test
    void save_thenOpenAgain_returnsResult() {
        AuditStore.Saved result = new AuditStore.Saved("id-1", AuditState.MISMATCH, EXPECTED, Diagnosis.Side.BASE, "CRLF");
        AuditStore.open(temp, "model").save("config.json", result);

        AuditStore reopened = AuditStore.open(temp, "model");

        assertEquals(result, reopened.lookup("config.json", "id-1"));
        assertNull(reopened.lookup("config.json", "id-2"), "another identity");
        assertNull(AuditStore.open(temp, "other model").lookup("config.json", "id-1"), "another model's file");
    }

    @Test
    void save_newIdentity_replacesOldResult() {
        AuditStore store = AuditStore.open(temp, "model");
        store.save("a.bin", new AuditStore.Saved("old", AuditState.VERIFIED, EXPECTED, null, null));
        store.save("a.bin", new AuditStore.Saved("new", AuditState.VERIFIED, EXPECTED, null, null));

        AuditStore reopened = AuditStore.open(temp, "model");

        assertNull(reopened.lookup("a.bin", "old"));
        assertEquals("new", reopened.lookup("a.bin", "new").identity());
    }

    @Test
    void open_unreadableFile_startsEmpty() throws Exception {
        AuditStore store = AuditStore.open(temp, "model");
        store.save("a.bin", new AuditStore.Saved("id", AuditState.VERIFIED, EXPECTED, null, null));
        Files.writeString(store.file(), "{ not json");

        assertNull(AuditStore.open(temp, "model").lookup("a.bin", "id"));
    }

    @Test
    void identity_changesWithSourceMtimeAndExpectedHash() throws Exception {
        DemoCopy demo = DemoCopy.create(temp.resolve("demo"));
        Path payload = demo.payload().resolve("config.json");
        String before;
        try (DecodedFile file = open(demo, "config.json")) {
            before = AuditStore.identity(file, EXPECTED);
            assertNotEquals(before, AuditStore.identity(file, "ffffffffffffffffffffffffffffffff"));
        }
        Files.setLastModifiedTime(demo.base().resolve("config.json"), FileTime.fromMillis(1_000_000));

        try (DecodedFile file = open(demo, "config.json")) {
            assertNotEquals(before, AuditStore.identity(file, EXPECTED));
        }
        try (DecodedFile again = new DecodedFile("config.json", SourceFile.inspect(payload), null)) {
            assertNotEquals(before, AuditStore.identity(again, EXPECTED), "plain and XORed differ");
        }
    }

    private static DecodedFile open(DemoCopy demo, String name) throws Exception {
        return new DecodedFile(name, SourceFile.inspect(demo.payload().resolve(name)), SourceFile.inspect(demo.base().resolve(name)));
    }
}
