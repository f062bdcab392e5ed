package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.status.StatusFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the errors of {@code xormount status}; real mounts are covered by the audit IT. */
class StatusCommandTest {
    @TempDir
    Path temp;

    private final StringWriter err = new StringWriter();

    private int status(Path mountpoint) {
        return Main.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute("status", mountpoint.toString());
    }

    @Test
    void status_missingMountpoint_isBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, status(temp.resolve("none")));

        assertTrue(err.toString().contains("mountpoint " + temp.resolve("none") + " not found"), err.toString());
    }

    @Test
    void status_plainFolder_isBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, status(temp));

        assertTrue(err.toString().contains("is not an xormount mount"), err.toString());
    }

    @Test
    void status_invalidStatusFile_isBadInput() throws Exception {
        Files.writeString(temp.resolve(StatusFile.NAME), "[1, 2");

        assertEquals(ExitCodes.BAD_INPUT, status(temp));

        assertTrue(err.toString().contains("invalid status file"), err.toString());
    }
}
