package dev.xormount.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.status.StatusFile;
import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount layouts and sources that change while mounted. */
class MountLayoutIT {
    private static final String SHARD = "pytorch_model-00001-of-00003.bin";

    @TempDir
    Path temp;

    @Test
    void twoPayloads_oneMount_bothDecode() throws Exception {
        Path second = Trees.copyFolder(Repo.demoPayload(), temp.resolve("other-sft-xor"));
        Map<String, String> manifest = Md5.readManifest(Repo.demoManifest());
        try (MountedXormount mount = MountedXormount.start(temp.resolve("mnt"), List.of(
                "--base", Repo.demoBase().toString(),
                "--payload", Repo.demoPayload().toString(),
                "--payload", second.toString()))) {
            assertEquals(List.of("other-sft", "tiny-llama-sft"), list(mount.mountpoint()));
            assertTrue(Files.exists(mount.mountpoint().resolve(StatusFile.NAME)), "status file at the root");
            for (String name : List.of("other-sft", "tiny-llama-sft")) {
                for (Map.Entry<String, String> entry : manifest.entrySet()) {
                    assertEquals(entry.getValue(), Md5.of(mount.mountpoint().resolve(name).resolve(entry.getKey())),
                            name + "/" + entry.getKey());
                }
            }
        }
    }

    @Test
    void name_option_overridesFolderName() throws Exception {
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"), "--name", "my-model")) {
            assertEquals(List.of("my-model"), list(mount.mountpoint()));
        }
    }

    @Test
    void baseOnlyFiles_areNotShown() throws Exception {
        try (MountedXormount mount = MountedXormount.demo(temp.resolve("mnt"))) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            assertTrue(Files.exists(Repo.demoBase().resolve("tokenizer.json")));
            assertFalse(Files.exists(model.resolve("tokenizer.json")));
            assertTrue(Files.exists(model.resolve("added_tokens.json")));
        }
    }

    @Test
    void baseDeletedWhileMounted_keepsServingOpenedFile() throws Exception {
        Path base = Trees.copyFolder(Repo.demoBase(), temp.resolve("base"));
        try (MountedXormount mount = MountedXormount.start(temp.resolve("mnt"),
                List.of("--base", base.toString(), "--payload", Repo.demoPayload().toString()))) {
            Files.delete(base.resolve(SHARD));
            Path decoded = mount.mountpoint().resolve("tiny-llama-sft").resolve(SHARD);
            assertArrayEquals(Files.readAllBytes(Repo.demoFinetuned().resolve(SHARD)), Files.readAllBytes(decoded));
        }
    }

    @Test
    void baseTruncatedWhileMounted_readsFailInsteadOfWrongBytes() throws Exception {
        Path base = Trees.copyFolder(Repo.demoBase(), temp.resolve("base"));
        try (MountedXormount mount = MountedXormount.start(temp.resolve("mnt"), List.of(
                "--base", base.toString(), "--payload", Repo.demoPayload().toString(), "--block-size", "4K", "--cache-size", "16K"))) {
            try (FileChannel channel = FileChannel.open(base.resolve(SHARD), StandardOpenOption.WRITE)) {
                channel.truncate(1000);
            }
            Path decoded = mount.mountpoint().resolve("tiny-llama-sft").resolve(SHARD);
            IOException error = assertThrows(IOException.class, () -> Files.readAllBytes(decoded));
            assertTrue(error.getMessage().contains("Input/output error"), error.toString());
            assertTrue(mount.output().contains("changed on disk"), mount.output());
            Path other = mount.mountpoint().resolve("tiny-llama-sft").resolve("config.json");
            assertArrayEquals(Files.readAllBytes(Repo.demoFinetuned().resolve("config.json")), Files.readAllBytes(other),
                    "other files still served");
        }
    }

    @Test
    void nestedPayloadFolder_isServed() throws Exception {
        Path outer = Files.createDirectories(temp.resolve("tiny-llama-sft-xor"));
        Trees.copyFolder(Repo.demoPayload(), outer.resolve("tiny-llama-sft-xor"));
        try (MountedXormount mount = MountedXormount.start(temp.resolve("mnt"),
                List.of("--base", Repo.demoBase().toString(), "--payload", outer.toString()))) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            assertEquals(Md5.readManifest(Repo.demoManifest()).get(SHARD), Md5.of(model.resolve(SHARD)));
            assertTrue(mount.output().contains("holds a single folder"), mount.output());
        }
    }

    /** Lists the names in {@code dir} except hidden ones such as the status file. */
    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}
