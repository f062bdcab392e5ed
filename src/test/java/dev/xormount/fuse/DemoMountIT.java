package dev.xormount.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mounts the bundled demo model for real and checks what a user sees. */
class DemoMountIT {
    @TempDir
    Path temp;

    @Test
    void demoMount_everyFileMatchesManifest() throws Exception {
        Map<String, String> manifest = Md5.readManifest(Repo.demoManifest());
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"))) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            List<String> listed;
            try (Stream<Path> files = Files.list(model)) {
                listed = files.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertEquals(List.copyOf(new TreeSet<>(manifest.keySet())), listed, "files in the mount");
            for (Map.Entry<String, String> entry : manifest.entrySet()) {
                assertEquals(entry.getValue(), Md5.of(model.resolve(entry.getKey())), "md5 of " + entry.getKey());
            }
        }
    }

    @Test
    void demoMount_sizesComeFromPayload() throws Exception {
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"))) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            try (Stream<Path> files = Files.list(Repo.demoPayload())) {
                for (Path payload : files.toList()) {
                    Path decoded = model.resolve(payload.getFileName().toString());
                    assertEquals(Files.size(payload), Files.size(decoded), "size of " + decoded.getFileName());
                    assertEquals(Files.size(Repo.demoFinetuned().resolve(payload.getFileName().toString())),
                            Files.size(decoded), "size against the fine-tune for " + decoded.getFileName());
                }
            }
        }
    }

    @Test
    void unmount_leavesNoMountAndExitsZero() throws Exception {
        MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"));
        try {
            assertTrue(MountedXormount.isMounted(mount.mountpoint()));
            assertEquals(0, mount.unmountAndWait(), mount.output());
            assertFalse(MountedXormount.isMounted(mount.mountpoint()));
        } finally {
            mount.close();
        }
    }
}
