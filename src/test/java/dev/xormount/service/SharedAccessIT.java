package dev.xormount.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.Command;
import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import dev.xormount.testing.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mounts as root and reads as real second users created for the test: who may read, and that
 * nobody may change anything. The demo model is copied into a world-traversable temp folder,
 * because the checkout may sit where other users cannot reach it.
 */
class SharedAccessIT {
    private static final String SHARD = "pytorch_model-00001-of-00003.bin";

    private static TestUsers users;
    private static String licensedGroup;
    private static String reader;
    private static String licensedReader;

    private Path root;
    private Path base;
    private Path payload;

    @BeforeAll
    static void createUsers() throws Exception {
        users = new TestUsers();
        licensedGroup = users.addGroup("xmllama");
        reader = users.addUser("xmread");
        licensedReader = users.addUser("xmlic", licensedGroup);
    }

    @AfterAll
    static void deleteUsers() throws Exception {
        if (users != null) {
            users.close();
        }
    }

    @BeforeEach
    void copyDemo() throws IOException {
        root = Files.createTempDirectory("xormount-shared-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        base = copyReadable(Repo.demoBase(), root.resolve("base"));
        payload = copyReadable(Repo.demoPayload(), root.resolve("tiny-llama-sft-xor"));
    }

    @AfterEach
    void deleteCopy() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void allowOther_otherUserReadsEveryFile() throws Exception {
        try (MountedXormount mount = mount("--allow-other")) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            for (Map.Entry<String, String> entry : Md5.readManifest(Repo.demoManifest()).entrySet()) {
                Command.Result md5 = TestUsers.runAs(reader, "md5sum", model.resolve(entry.getKey()).toString());
                assertEquals(0, md5.exitCode(), md5.describe());
                assertTrue(md5.stdout().startsWith(entry.getValue()), "md5 of " + entry.getKey() + " as " + reader + ": " + md5.stdout());
            }
        }
    }

    @Test
    void withoutAllowOther_otherUserRefused() throws Exception {
        try (MountedXormount mount = mount()) {
            Path file = mount.mountpoint().resolve("tiny-llama-sft").resolve(SHARD);
            assertEquals(Md5.readManifest(Repo.demoManifest()).get(SHARD), Md5.of(file), "root, the mount's owner, reads");

            Command.Result cat = TestUsers.runAs(reader, "cat", file.toString());
            assertNotEquals(0, cat.exitCode(), cat.describe());
            assertTrue(cat.stderr().contains("Permission denied"), cat.describe());
            Command.Result list = TestUsers.runAs(reader, "ls", mount.mountpoint().toString());
            assertNotEquals(0, list.exitCode(), list.describe());
        }
    }

    @Test
    void sharedMount_rejectsWriteChmodCreate() throws Exception {
        try (MountedXormount mount = mount("--allow-other")) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            Path file = model.resolve(SHARD);
            String md5Before = Md5.of(file);
            String modeBefore = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));

            for (String user : List.of(reader, "root")) {
                List<List<String>> attempts = List.of(
                        List.of("touch", model.resolve("new-file").toString()),
                        List.of("sh", "-c", "echo x >> '" + file + "'"),
                        List.of("truncate", "-s", "0", file.toString()),
                        List.of("chmod", "0666", file.toString()),
                        List.of("mkdir", model.resolve("new-folder").toString()),
                        List.of("rm", "-f", file.toString()),
                        List.of("mv", file.toString(), model.resolve("renamed").toString()));
                for (List<String> attempt : attempts) {
                    List<String> command = new ArrayList<>(List.of("runuser", "-u", user, "--"));
                    command.addAll(attempt);
                    Command.Result result = Command.run(command, Map.of());
                    assertNotEquals(0, result.exitCode(), "should fail as " + user + ": " + result.describe());
                }
            }

            assertEquals(md5Before, Md5.of(file), "decoded bytes after the attempts");
            assertEquals(modeBefore, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "mode after chmod");
            assertFalse(Files.exists(model.resolve("new-file")), "touch created a file");
            assertFalse(Files.exists(model.resolve("new-folder")), "mkdir created a folder");
            assertFalse(Files.exists(model.resolve("renamed")), "mv renamed a file");
        }
    }

    @Test
    void groupOnlyBase_staysGroupOnly() throws Exception {
        GroupPrincipal group = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(licensedGroup);
        try (Stream<Path> files = Files.list(base)) {
            for (Path file : files.toList()) {
                Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(group);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
            }
        }
        try (MountedXormount mount = mount("--allow-other")) {
            Path model = mount.mountpoint().resolve("tiny-llama-sft");
            Path shard = model.resolve(SHARD);
            assertEquals("r--r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shard)), "decoded mode");
            assertEquals(licensedGroup, Files.getAttribute(shard, "posix:group", LinkOption.NOFOLLOW_LINKS).toString(), "decoded group");

            Command.Result licensed = TestUsers.runAs(licensedReader, "md5sum", shard.toString());
            assertEquals(0, licensed.exitCode(), licensed.describe());
            assertTrue(licensed.stdout().startsWith(Md5.readManifest(Repo.demoManifest()).get(SHARD)), licensed.describe());

            Command.Result other = TestUsers.runAs(reader, "cat", shard.toString());
            assertNotEquals(0, other.exitCode(), other.describe());
            assertTrue(other.stderr().contains("Permission denied"), other.describe());

            // added_tokens.json is stored plain, with no base file, so it keeps the payload's bits.
            Command.Result plain = TestUsers.runAs(reader, "cat", model.resolve("added_tokens.json").toString());
            assertEquals(0, plain.exitCode(), plain.describe());
        }
    }

    private MountedXormount mount(String... extraArgs) throws IOException, InterruptedException {
        Path mountpoint = Files.createDirectory(root.resolve("mnt"));
        Files.setPosixFilePermissions(mountpoint, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> args = new ArrayList<>(List.of("--base", base.toString(), "--payload", payload.toString()));
        args.addAll(List.of(extraArgs));
        return MountedXormount.start(mountpoint, args);
    }

    /** Copies the files of {@code source} into {@code target} with modes 0755 (folder) and 0644 (files). */
    private static Path copyReadable(Path source, Path target) throws IOException {
        Files.createDirectory(target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(file.getFileName().toString());
                Files.copy(file, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        return target;
    }
}
