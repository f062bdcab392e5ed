package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonPidFileTest {
    @TempDir
    Path state;

    @Test
    void of_distinctMountpoints_distinctFiles() {
        Path first = DaemonPidFile.of(state, Path.of("/srv/models"));
        Path second = DaemonPidFile.of(state, Path.of("/srv-models"));
        Path third = DaemonPidFile.of(state, Path.of("/srv/models two"));
        assertNotEquals(first, second);
        assertNotEquals(first, third);
        assertEquals(state.resolve("daemons"), first.getParent());
        assertEquals(first, DaemonPidFile.of(state, Path.of("/srv/./models/")), "same mountpoint, other spelling");
    }

    @Test
    void writeCurrent_storesThisPid() throws Exception {
        Path file = DaemonPidFile.of(state, Path.of("/srv/models"));
        DaemonPidFile.writeCurrent(file);
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(file));
    }

    @Test
    void liveDaemon_missingOrGarbage_empty() throws Exception {
        Path file = state.resolve("daemon.pid");
        assertTrue(DaemonPidFile.liveDaemon(file).isEmpty(), "missing file");
        Files.writeString(file, "not a pid\n");
        assertTrue(DaemonPidFile.liveDaemon(file).isEmpty(), "garbage");
    }

    @Test
    void liveDaemon_otherProgram_empty() throws Exception {
        // A pid reused by another program after a crash must not be taken for the daemon.
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Path file = state.resolve("daemon.pid");
            Files.writeString(file, sleep.pid() + "\n");
            assertTrue(DaemonPidFile.liveDaemon(file).isEmpty());
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }
}
