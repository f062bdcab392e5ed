package dev.xormount.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xormount.decode.SourceFile;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;

class SourcePermissionsTest {
    private static final int ROOT = 0;
    private static final int ALICE = 1000;
    private static final int LLAMA_GROUP = 2000;
    private static final int ALICE_GROUP = 1000;

    private static SourceFile source(int mode, int uid, int gid) {
        return new SourceFile(Path.of("f"), Path.of("f"), 10, 1, FileTime.fromMillis(0), mode, uid, gid);
    }

    @Test
    void plainFile_keepsPayloadReadBits() {
        SourcePermissions permissions = SourcePermissions.of(source(0750, ALICE, ALICE_GROUP), null);
        assertEquals(new SourcePermissions(ALICE, ALICE_GROUP, 0440), permissions);
    }

    @Test
    void sameOwnerAndGroup_intersectsReadBits() {
        SourcePermissions permissions = SourcePermissions.of(source(0644, ROOT, LLAMA_GROUP), source(0640, ROOT, LLAMA_GROUP));
        assertEquals(new SourcePermissions(ROOT, LLAMA_GROUP, 0440), permissions);
    }

    @Test
    void groupOnlyBase_staysGroupOnly() {
        // A world-readable payload must not widen a base licensed to one group.
        SourcePermissions permissions = SourcePermissions.of(source(0644, ALICE, ALICE_GROUP), source(0640, ROOT, LLAMA_GROUP));
        assertEquals(new SourcePermissions(ROOT, LLAMA_GROUP, 0440), permissions);
    }

    @Test
    void privatePayload_withForeignGroupBase_nobodyButRoot() {
        // Alice may or may not be in the base's group, so neither owner can be kept safely.
        SourcePermissions permissions = SourcePermissions.of(source(0600, ALICE, ALICE_GROUP), source(0640, ROOT, LLAMA_GROUP));
        assertEquals(0, permissions.mode());
    }

    @Test
    void ownerOnlyPayload_ofOtherOwner_doesNotGrantBaseOwner() {
        // The old rule kept the payload owner with the intersected bits 0400, letting Alice read
        // although the base is closed to her.
        SourcePermissions permissions = SourcePermissions.of(source(0400, ALICE, ALICE_GROUP), source(0440, ROOT, LLAMA_GROUP));
        assertEquals(0, permissions.mode() & 0044, "group and other bits");
        assertEquals(0, permissions.uid() == ALICE ? permissions.mode() : 0, "Alice must not get read access");
    }

    @Test
    void worldReadableSources_stayWorldReadable() {
        SourcePermissions permissions = SourcePermissions.of(source(0644, ALICE, ALICE_GROUP), source(0444, ROOT, ROOT));
        assertEquals(new SourcePermissions(ROOT, ROOT, 0444), permissions);
    }

    @Test
    void payloadGrantsMore_keepsPayloadOwner() {
        SourcePermissions permissions = SourcePermissions.of(source(0440, ALICE, LLAMA_GROUP), source(0444, ROOT, ROOT));
        assertEquals(new SourcePermissions(ALICE, LLAMA_GROUP, 0440), permissions);
    }

    @Test
    void ownerWithoutReadBit_isNotGrantedThroughOtherBits() {
        // Keeping the payload's owner would pass its "other" bit to the base's owner, whom the base
        // denies reading, so the base's owner and its "other" bit are kept.
        SourcePermissions permissions = SourcePermissions.of(source(0444, ALICE, ALICE_GROUP), source(0004, ROOT, ROOT));
        assertEquals(new SourcePermissions(ROOT, ROOT, 0004), permissions);
    }

    @Test
    void unreadableBase_nobodyButRoot() {
        SourcePermissions permissions = SourcePermissions.of(source(0644, ROOT, ROOT), source(0000, ROOT, ROOT));
        assertEquals(0, permissions.mode());
    }
}
