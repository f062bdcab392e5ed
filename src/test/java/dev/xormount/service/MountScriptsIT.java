package dev.xormount.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.BackgroundXormount;
import dev.xormount.testing.Command;
import dev.xormount.testing.Md5;
import dev.xormount.testing.MountedXormount;
import dev.xormount.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the install script, the mount helper and the systemd unit's commands for real. */
class MountScriptsIT {
    private static final String SHARD = "pytorch_model-00001-of-00003.bin";
    private static final Path SYSTEM_HELPER = Path.of("/sbin/mount.xormount");

    @TempDir
    Path temp;

    private final List<Path> mountpoints = new ArrayList<>();
    private boolean helperLinked;

    /** Leaves no mount, daemon or helper link behind, even when a test failed. */
    @AfterEach
    void cleanUp() throws Exception {
        try {
            for (Path mountpoint : mountpoints) {
                new BackgroundXormount(mountpoint, temp.resolve("state")).close();
            }
        } finally {
            if (helperLinked) {
                Files.deleteIfExists(SYSTEM_HELPER);
            }
            // The copied system units contain links to /dev/null, which the temp folder cleanup warns about.
            Command.run("rm", "-rf", temp.resolve("root/usr/lib/systemd").toString());
        }
    }

    @Test
    void install_destdir_placesEveryPiece() throws Exception {
        Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        String fuseConf = "# mount_max = 1000\n#user_allow_other\n";
        Files.writeString(root.resolve("etc/fuse.conf"), fuseConf);

        Command.Result install = Command.run(script("install"), "--destdir", root.toString(), "--allow-other");
        assertEquals(0, install.exitCode(), install.describe());

        assertMode(root.resolve("opt/xormount/xormount.jar"), "rw-r--r--");
        assertMode(root.resolve("opt/xormount/bin/xormount"), "rwxr-xr-x");
        assertMode(root.resolve("sbin/mount.xormount"), "rwxr-xr-x");
        assertMode(root.resolve("etc/systemd/system/xormount@.service"), "rw-r--r--");
        assertMode(root.resolve("etc/xormount/example.conf"), "rw-r--r--");
        assertEquals(Path.of("/opt/xormount/bin/xormount"), Files.readSymbolicLink(root.resolve("usr/local/bin/xormount")));

        assertTrue(install.stdout().lines().anyMatch(line -> line.equals("user_allow_other")),
                "the exact line to add should be printed: " + install.describe());
        assertEquals(fuseConf, Files.readString(root.resolve("etc/fuse.conf")), "fuse.conf must not be edited");

        Command.Result version = Command.run(root.resolve("opt/xormount/bin/xormount").toString(), "--version");
        assertEquals(0, version.exitCode(), version.describe());
        assertTrue(version.stdout().startsWith("xormount"), version.describe());
    }

    @Test
    void install_userAllowOtherSet_noWarning() throws Exception {
        Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("etc/xormount"));
        Files.writeString(root.resolve("etc/fuse.conf"), "user_allow_other\n");
        Files.writeString(root.resolve("etc/xormount/example.conf"), "XORMOUNT_OPTIONS=edited\n");

        Command.Result install = Command.run(script("install"), "--destdir", root.toString(), "--allow-other");
        assertEquals(0, install.exitCode(), install.describe());
        assertTrue(install.stdout().contains("user_allow_other is set"), install.describe());
        assertFalse(install.stdout().contains("Add this line"), install.describe());
        assertEquals("XORMOUNT_OPTIONS=edited\n", Files.readString(root.resolve("etc/xormount/example.conf")),
                "an existing configuration must not be overwritten");
    }

    @Test
    void install_unknownArgument_rejected() throws Exception {
        Command.Result install = Command.run(script("install"), "--destdir", temp.resolve("root").toString(), "--frobnicate");
        assertEquals(3, install.exitCode(), install.describe());
        assertTrue(install.stderr().contains("unknown argument '--frobnicate'"), install.describe());
    }

    @Test
    void unit_passesSystemdAnalyzeVerify() throws Exception {
        Path root = temp.resolve("root");
        Command.Result install = Command.run(script("install"), "--destdir", root.toString());
        assertEquals(0, install.exitCode(), install.describe());
        // verify resolves the unit's dependencies (sysinit.target and so on) inside --root.
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        Command.Result copy = Command.run("cp", "-r", "/usr/lib/systemd/system", root.resolve("usr/lib/systemd").toString());
        assertEquals(0, copy.exitCode(), copy.describe());
        Path units = root.resolve("etc/systemd/system");
        Files.copy(units.resolve("xormount@.service"), units.resolve("xormount@srv-models.service"));

        Command.Result verify = Command.run("systemd-analyze", "--root=" + root, "verify", "/etc/systemd/system/xormount@srv-models.service");
        assertEquals(0, verify.exitCode(), verify.describe());
        assertEquals("", verify.stderr(), "systemd-analyze warnings");
    }

    @Test
    void unitCommands_startAndStop() throws Exception {
        Path mountpoint = newMountpoint("srv-models");
        Path run = Files.createDirectories(temp.resolve("run/xormount/srv-models"));
        Path logs = Files.createDirectories(temp.resolve("log"));
        Path state = temp.resolve("state");
        String options = "base=" + Repo.demoBase() + ",payload=" + Repo.demoPayload() + ",allow_other";

        String execStart = unitLine("ExecStart")
                .replace("/sbin/mount.xormount", script("mount.xormount"))
                .replace("/run/xormount/%i", run.toString())
                .replace("/var/log/xormount", logs.toString())
                .replace("/var/lib/xormount", state.toString())
                .replace("${XORMOUNT_OPTIONS}", options)
                .replace("%f", mountpoint.toString())
                .replace("%i", "srv-models");
        Command.Result start = Command.run(List.of(execStart.split(" ")), Map.of("XORMOUNT_LAUNCHER", Repo.launcher().toString()));
        assertEquals(0, start.exitCode(), start.describe());

        // Type=forking: once ExecStart returns, the pid file names the daemon and the mount serves.
        long pid = Long.parseLong(Files.readString(run.resolve("daemon.pid")).trim());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "daemon in the pid file is not running");
        assertEquals(Md5.readManifest(Repo.demoManifest()).get(SHARD),
                Md5.of(mountpoint.resolve("tiny-llama-sft").resolve(SHARD)), "md5 right after start");
        assertTrue(Files.readString(logs.resolve("srv-models.log")).contains("Serving"), "log file");

        // systemctl stop with KillMode=mixed sends SIGTERM to the daemon only.
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroy(), "sending SIGTERM failed");
        assertTrue(BackgroundXormount.awaitExit(pid), "daemon still running after SIGTERM");
        assertFalse(MountedXormount.isMounted(mountpoint), "mount left after stop");
        assertFalse(Files.exists(run.resolve("daemon.pid")), "pid file left after stop");
    }

    @Test
    void mountHelper_fstabOptions_mountsAndServes() throws Exception {
        Path mountpoint = newMountpoint("mnt");
        // mount(8) adds "rw" itself; the rest are what an fstab line typically carries.
        String options = "rw,base=" + Repo.demoBase() + ",payload=" + Repo.demoPayload()
                + ",allow_other,nofail,_netdev,defaults,noatime,nosuid,nodev,x-systemd.automount"
                + ",cache_size=64M,block-size=64K,read_ahead=2,state_dir=" + temp.resolve("state");
        Command.Result mount = helper("none", mountpoint.toString(), "-o", options);
        assertEquals(0, mount.exitCode(), mount.describe());

        String mountLine = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .filter(line -> line.contains(" " + mountpoint + " ")).findFirst().orElseThrow();
        assertTrue(mountLine.contains("fuse.xormount ro,"), mountLine);
        assertTrue(mountLine.contains("allow_other"), mountLine);
        assertEquals(Md5.readManifest(Repo.demoManifest()).get(SHARD), Md5.of(mountpoint.resolve("tiny-llama-sft").resolve(SHARD)));
    }

    @Test
    void mountHelper_fake_mapsEveryOption() throws Exception {
        Command.Result fake = helper("none", "/srv/models", "-f", "-o",
                "rw,base=/b,payload=/p1,name=one,payload=/p2,name=two,cache_size=4G,block_size=4M,read_ahead=8,plain=*.json,"
                        + "skip_missing,allow_other,log_file=/l,pid_file=/r,state_dir=/s,verbose,user,noauto");
        assertEquals(0, fake.exitCode(), fake.describe());
        assertTrue(fake.stderr().contains(" mount --background --base /b --payload /p1 --name one --payload /p2 --name two"
                + " --cache-size 4G --block-size 4M --read-ahead 8 --plain *.json --skip-missing --allow-other"
                + " --log-file /l --pid-file /r --state-dir /s --verbose /srv/models"), fake.describe());
    }

    @Test
    void mountHelper_badOptions_rejected() throws Exception {
        Map<String, String> cases = Map.of(
                "base=/b,payload=/p,bogus=1", "unknown option 'bogus=1'",
                "base=/b,payload=/p,allow_other=yes", "option 'allow_other' takes no value",
                "base=,payload=/p", "option 'base' needs a value",
                "base=/b", "option payload=DIR is missing",
                "payload=/p", "option base=DIR is missing");
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            Command.Result result = helper("none", temp.resolve("never-mounted").toString(), "-o", entry.getKey());
            assertEquals(32, result.exitCode(), result.describe());
            assertTrue(result.stderr().contains(entry.getValue()), result.describe());
        }
        assertFalse(Files.exists(temp.resolve("never-mounted")), "a rejected call touched the mountpoint");
    }

    @Test
    void mountHelper_sloppy_ignoresUnknownOption() throws Exception {
        Command.Result result = helper("none", "/srv/models", "-sf", "-o", "base=/b,payload=/p,bogus=1");
        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stderr().contains("ignoring unknown option 'bogus=1'"), result.describe());
    }

    @Test
    void mountCommand_typeXormountAndFstab_mount() throws Exception {
        // mount(8) looks for helpers only in /sbin, so link ours there for this test.
        if (Files.exists(SYSTEM_HELPER, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException(SYSTEM_HELPER + " already exists; remove it (an installed xormount) and rerun");
        }
        Files.createSymbolicLink(SYSTEM_HELPER, Path.of(script("mount.xormount")));
        helperLinked = true;
        Map<String, String> environment = Map.of("XORMOUNT_LAUNCHER", Repo.launcher().toString());
        String options = "base=" + Repo.demoBase() + ",payload=" + Repo.demoPayload() + ",allow_other,state_dir=" + temp.resolve("state");

        Path first = newMountpoint("by-type");
        Command.Result byType = Command.run(List.of("mount", "-t", "xormount", "none", first.toString(), "-o", options), environment);
        assertEquals(0, byType.exitCode(), byType.describe());
        assertEquals(Md5.readManifest(Repo.demoManifest()).get(SHARD), Md5.of(first.resolve("tiny-llama-sft").resolve(SHARD)));
        Command.Result umount = Command.run("umount", first.toString());
        assertEquals(0, umount.exitCode(), umount.describe());
        assertFalse(MountedXormount.isMounted(first), "umount left the mount");

        Path second = newMountpoint("by-fstab");
        Path fstab = temp.resolve("fstab");
        Files.writeString(fstab, "none " + second + " xormount " + options + ",nofail,_netdev 0 0\n");
        Command.Result byFstab = Command.run(List.of("mount", "-T", fstab.toString(), second.toString()), environment);
        assertEquals(0, byFstab.exitCode(), byFstab.describe());
        assertTrue(MountedXormount.isMounted(second), "fstab line did not mount");
    }

    private Path newMountpoint(String name) throws IOException {
        Path mountpoint = Files.createDirectories(temp.resolve(name)).toAbsolutePath();
        mountpoints.add(mountpoint);
        return mountpoint;
    }

    private static Command.Result helper(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script("mount.xormount")));
        command.addAll(List.of(args));
        return Command.run(command, Map.of("XORMOUNT_LAUNCHER", Repo.launcher().toString()));
    }

    private static String script(String name) {
        return Repo.root().resolve("mount-scripts").resolve(name).toString();
    }

    /** Returns the value of the first {@code KEY=} line of the unit template. */
    private static String unitLine(String key) throws IOException {
        try (Stream<String> lines = Files.lines(Repo.root().resolve("mount-scripts/xormount@.service"))) {
            return lines.filter(line -> line.startsWith(key + "=")).findFirst().orElseThrow().substring(key.length() + 1);
        }
    }

    private static void assertMode(Path file, String mode) throws IOException {
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "mode of " + file);
    }
}
