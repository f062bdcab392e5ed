package dev.xormount.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.BackgroundXormount;
import dev.xormount.testing.Command;
import dev.xormount.testing.Md5;
import dev.xormount.testing.Repo;
import dev.xormount.testing.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mounts as an unprivileged service user, as xormount@.service does, and reads as a second user.
 *
 * <p>The machine's /dev/fuse may be closed to users other than root and its /etc/fuse.conf may
 * lack user_allow_other, and the test must not change either. So it runs in a private mount
 * namespace ({@code unshare -m}) where a device node of mode 0666 and a test fuse.conf are
 * bind-mounted over the real ones. Mounts made there are invisible outside and vanish with the
 * namespace's last process; {@link #cleanUp()} kills the daemons by the pids in their pid files.
 */
class UnprivilegedMountIT {
    private static final String FILE = "tiny-llama-sft/pytorch_model-00001-of-00003.bin";

    private TestUsers users;
    private String service;
    private String reader;
    private Path root;

    @BeforeEach
    void setUp() throws Exception {
        users = new TestUsers();
        service = users.addUser("xmsvc");
        reader = users.addUser("xmread");
        root = Files.createTempDirectory("xormount-unprivileged-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String folder : List.of("mnt", "state")) {
            Files.createDirectory(root.resolve(folder));
            Command.run("chown", service, root.resolve(folder).toString());
        }
        Files.createDirectory(root.resolve("dev"));
        Files.writeString(root.resolve("fuse.conf.without"), "#user_allow_other\n");
        Files.writeString(root.resolve("fuse.conf.with"), "user_allow_other\n");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            new BackgroundXormount(root.resolve("mnt"), root.resolve("state")).close();
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
            users.close();
        }
    }

    @Test
    void serviceUser_mountsSharesAndRecovers() throws Exception {
        Map<String, String> steps = runSteps();
        String md5 = Md5.readManifest(Repo.demoManifest()).get(Path.of(FILE).getFileName().toString());

        assertTrue(steps.get("allow-other-without-conf").startsWith("3 "), steps.toString());
        assertTrue(steps.get("allow-other-without-conf").contains("user_allow_other"), steps.toString());

        assertTrue(steps.get("mount-shared").startsWith("0 "), steps.toString());
        assertTrue(steps.get("mount-table").contains("user_id="), steps.toString());
        assertTrue(steps.get("reader-md5").startsWith("0 " + md5), steps.toString());
        assertEquals("0 gone", steps.get("kill-shared"), "auto_unmount should remove the mount: " + steps);

        assertTrue(steps.get("mount-private").startsWith("0 "), steps.toString());
        assertTrue(steps.get("owner-md5").startsWith("0 " + md5), steps.toString());
        assertTrue(steps.get("reader-private").contains("Permission denied"), steps.toString());
        assertTrue(steps.get("unmount-dead").startsWith("0 "), steps.toString());
        assertTrue(steps.get("unmount-dead").contains("Cleared dead mount"), steps.toString());
        assertTrue(steps.get("remount").startsWith("0 "), steps.toString());
        assertTrue(steps.get("unmount").startsWith("0 "), steps.toString());
        assertEquals("0 clean", steps.get("mount-table-after"), steps.toString());
    }

    /**
     * Runs the scenario in a private mount namespace and returns each step's result as "EXIT
     * OUTPUT", keyed by step name.
     */
    private Map<String, String> runSteps() throws IOException, InterruptedException {
        String launcher = Repo.launcher().toString();
        String mount = launcher + " mount --background --state-dir " + root.resolve("state")
                + " --base " + Repo.demoBase() + " --payload " + Repo.demoPayload();
        Path mountpoint = root.resolve("mnt");
        String script = String.join("\n",
                "set -u",
                "",
                "step() { name=$1; shift; out=$(\"$@\" 2>&1); echo \"STEP $name $? $(echo $out | tr '\\n' ' ')\"; }",
                "as() { user=$1; shift; runuser -u \"$user\" -- \"$@\"; }",
                "daemon() { cat " + root.resolve("state/daemons") + "/*.pid; }",
                "mounted() { grep -q ' " + mountpoint + " ' /proc/self/mounts; }",
                "await_gone() { for i in $(seq 1 200); do mounted || { echo gone; return 0; }; sleep 0.1; done; echo present; }",
                "",
                "mknod " + root.resolve("dev/fuse") + " c 10 229 && chmod 0666 " + root.resolve("dev/fuse"),
                "mount --bind " + root.resolve("dev/fuse") + " /dev/fuse",
                "mount --bind " + root.resolve("fuse.conf.without") + " /etc/fuse.conf",
                "",
                "step allow-other-without-conf as " + service + " " + mount + " --allow-other " + mountpoint,
                "umount /etc/fuse.conf && mount --bind " + root.resolve("fuse.conf.with") + " /etc/fuse.conf",
                "step mount-shared as " + service + " " + mount + " --allow-other " + mountpoint,
                "step mount-table grep ' " + mountpoint + " ' /proc/self/mounts",
                "step reader-md5 as " + reader + " md5sum " + mountpoint.resolve(FILE),
                "kill -9 $(daemon)",
                "step kill-shared await_gone",
                "",
                "step mount-private as " + service + " " + mount + " " + mountpoint,
                "step owner-md5 as " + service + " md5sum " + mountpoint.resolve(FILE),
                "step reader-private as " + reader + " md5sum " + mountpoint.resolve(FILE),
                "kill -9 $(daemon); sleep 1",
                "step unmount-dead as " + service + " " + launcher + " unmount --state-dir " + root.resolve("state") + " " + mountpoint,
                "step remount as " + service + " " + mount + " " + mountpoint,
                "step unmount as " + service + " " + launcher + " unmount --state-dir " + root.resolve("state") + " " + mountpoint,
                "step mount-table-after sh -c \"grep ' " + mountpoint + " ' /proc/self/mounts || echo clean\"",
                "");

        Path file = root.resolve("steps.sh");
        Files.writeString(file, script);
        Command.Result result = Command.run("unshare", "--mount", "--propagation", "private", "bash", file.toString());

        Map<String, String> steps = new LinkedHashMap<>();
        for (String line : result.stdout().lines().toList()) {
            if (line.startsWith("STEP ")) {
                String[] parts = line.split(" ", 3);
                steps.put(parts[1], parts.length > 2 ? parts[2].strip() : "");
            }
        }
        long expected = script.lines().filter(line -> line.startsWith("step ")).count();
        if (steps.size() != expected) {
            throw new IllegalStateException("the scenario stopped early: " + result.describe());
        }
        return steps;
    }
}
