package dev.xormount.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xormount.fuse.MountpointCheck;
import dev.xormount.testing.BackgroundXormount;
import dev.xormount.testing.Command;
import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills real mount daemons and checks that the mountpoint recovers without manual steps. */
class CrashRecoveryIT {
    private static final String TOOLS = "bin-without-fusermount";
    private static final String SHARD = "pytorch_model-00001-of-00003.bin";
    /** Bound for waiting on asynchronous changes such as auto_unmount; never a speed check. */
    private static final long WAIT_MILLIS = 20_000;

    @TempDir
    Path temp;

    /** Removes the links to system tools first, so the temp folder cleanup has no links to warn about. */
    @AfterEach
    void removeToolLinks() throws IOException {
        Path bin = temp.resolve(TOOLS);
        if (Files.isDirectory(bin)) {
            try (var links = Files.list(bin)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
        }
    }

    @Test
    void killedDaemon_autoUnmountThenRemount() throws Exception {
        try (BackgroundXormount mount = new BackgroundXormount(temp.resolve("mnt"), temp.resolve("state"))) {
            mountAndKill(mount, Map.of());

            Command.Result unmount = mount.unmount();
            assertEquals(0, unmount.exitCode(), unmount.describe());
            assertFalse(MountedXormount.isMounted(mount.mountpoint()), "mount left after unmount");

            assertRemountServes(mount);
            // The log is appended to, so the killed run's lines survive the restart.
            assertEquals(2, mount.log().lines().filter(line -> line.contains("Serving")).count(), mount.log());
        }
    }

    @Test
    void killedDaemonWithoutFusermount_unmountClearsDeadMount() throws Exception {
        try (BackgroundXormount mount = new BackgroundXormount(temp.resolve("mnt"), temp.resolve("state"))) {
            mountAndKill(mount, withoutFusermount());
            // Without fusermount there is no auto_unmount, so the dead mount stays.
            assertTrue(MountedXormount.isMounted(mount.mountpoint()), "dead mount expected without auto_unmount");
            assertTrue(MountpointCheck.isStale(mount.mountpoint()), "mountpoint should report 'Transport endpoint is not connected'");

            Command.Result unmount = mount.unmount();
            assertEquals(0, unmount.exitCode(), unmount.describe());
            assertTrue(unmount.stdout().contains("Cleared dead mount"), unmount.describe());
            assertFalse(MountedXormount.isMounted(mount.mountpoint()), "dead mount left after unmount");

            assertRemountServes(mount);
        }
    }

    @Test
    void killedDaemonWithoutFusermount_mountClearsDeadMount() throws Exception {
        try (BackgroundXormount mount = new BackgroundXormount(temp.resolve("mnt"), temp.resolve("state"))) {
            mountAndKill(mount, withoutFusermount());
            assertTrue(MountpointCheck.isStale(mount.mountpoint()), "dead mount expected without auto_unmount");

            assertRemountServes(mount);
            assertTrue(mount.log().contains("Cleared the dead mount"), mount.log());
        }
    }

    @Test
    void outOfDirectMemory_exitsWithoutWrongBytes() throws Exception {
        byte[] expected = Files.readAllBytes(Repo.demoFinetuned().resolve(SHARD));
        try (BackgroundXormount mount = new BackgroundXormount(temp.resolve("mnt"), temp.resolve("state"))) {
            // A later -XX:MaxDirectMemorySize overrides the launcher's. 64 KiB is less than the base
            // scratch buffer of one 128 KiB FUSE request, so the first read runs out. The audit is
            // off because it would run out first, on its own thread.
            Command.Result first = mount.mountDemo(Map.of("XORMOUNT_JAVA_OPTS", "-XX:MaxDirectMemorySize=64k"),
                    "--audit", "off");
            assertEquals(0, first.exitCode(), first.describe());
            long pid = mount.daemonPid().orElseThrow();

            Path decoded = mount.mountpoint().resolve("tiny-llama-sft").resolve(SHARD);
            try {
                byte[] read = Files.readAllBytes(decoded);
                assertArrayEquals(expected, read, "a read that succeeds must return the decoded bytes");
                fail("reading with 64 KiB of direct memory should fail; log: " + mount.log());
            } catch (IOException expectedFailure) {
                // The reader gets an error, not a short or empty file.
            }

            assertTrue(BackgroundXormount.awaitExit(pid), "daemon still alive after running out of memory");
            // No hung mount: auto_unmount removes it, or, failing that, it is a dead mount (stat fails
            // at once with ENOTCONN) that the next mount clears on its own.
            if (!awaitUnmounted(mount.mountpoint())) {
                assertTrue(MountpointCheck.isStale(mount.mountpoint()), "mount left after the out-of-memory exit is not dead");
                System.out.println("CrashRecoveryIT: auto_unmount left a dead mount after the out-of-memory exit;"
                        + " fusermount processes: " + fusermountProcesses());
            }
            assertTrue(mount.log().contains("Out of memory while reading"), mount.log());
            for (String line : mount.log().lines().toList()) {
                // One line per event: Caffeine's warnings and the error carry no stack trace.
                assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT.*"), "log line without a timestamp: " + line);
            }

            assertRemountServes(mount);
        }
    }

    /** Mounts the demo in the background with {@code environment} and kills the daemon with SIGKILL. */
    private static void mountAndKill(BackgroundXormount mount, Map<String, String> environment) throws Exception {
        Command.Result first = mount.mountDemo(environment);
        assertEquals(0, first.exitCode(), first.describe());
        long pid = mount.daemonPid().orElseThrow();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertTrue(BackgroundXormount.awaitExit(pid), "daemon still alive after SIGKILL");
    }

    /** Mounts again on the same mountpoint and checks a decoded file, then unmounts. */
    private static void assertRemountServes(BackgroundXormount mount) throws Exception {
        Command.Result again = mount.mountDemo(Map.of());
        assertEquals(0, again.exitCode(), again.describe());
        String expected = Md5.readManifest(Repo.demoManifest()).get(SHARD);
        assertEquals(expected, Md5.of(mount.mountpoint().resolve("tiny-llama-sft").resolve(SHARD)), "md5 after remount");
        Command.Result unmount = mount.unmount();
        assertEquals(0, unmount.exitCode(), unmount.describe());
    }

    /** Returns the pids and command lines of running fusermount processes, for failure analysis. */
    private static List<String> fusermountProcesses() {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().command().orElse("").contains("fusermount"))
                .map(process -> process.pid() + " " + process.info().commandLine().orElse("?"))
                .toList();
    }

    /** Returns true once nothing is mounted at {@code mountpoint}, polling up to the wait bound. */
    private static boolean awaitUnmounted(Path mountpoint) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (MountedXormount.isMounted(mountpoint)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /**
     * Returns an environment whose PATH has the tools the launcher and daemon need but no
     * fusermount, so libfuse mounts directly (as root) and cannot use auto_unmount.
     */
    private Map<String, String> withoutFusermount() throws IOException {
        Path bin = Files.createDirectories(temp.resolve(TOOLS));
        for (String tool : new String[] {"bash", "dirname", "readlink", "umount"}) {
            Path link = bin.resolve(tool);
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of("/usr/bin", tool));
            }
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        return Map.of("PATH", bin.toString(), "JAVA", java);
    }
}
