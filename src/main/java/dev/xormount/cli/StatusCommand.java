package dev.xormount.cli;

import com.fasterxml.jackson.core.JacksonException;
import dev.xormount.UserException;
import dev.xormount.status.StatusFile;
import dev.xormount.status.StatusReport;
import dev.xormount.status.StatusTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xormount status}: prints a mount's audit state and cache counters as a table. */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        description = "Prints the audit state of every file of a mount and its cache counters.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    Main.CommonOptions common;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "Where xormount is mounted.")
    Path mountpoint;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path file = mountpoint.resolve(StatusFile.NAME);
        StatusReport report;
        try {
            report = StatusFile.read(file);
        } catch (NoSuchFileException e) {
            if (!Files.exists(mountpoint)) {
                throw new UserException("mountpoint " + mountpoint + " not found; pass the folder xormount is mounted on", e);
            }
            throw new UserException(mountpoint + " is not an xormount mount (no " + StatusFile.NAME
                    + "); pass the folder given to 'xormount mount'", e);
        } catch (JacksonException e) {
            throw new UserException("invalid status file " + file + ": " + e.getOriginalMessage()
                    + "; mount with the same xormount version as this command", e);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + " (" + e.getMessage() + "); check that the mount is still"
                    + " running, and clear a dead one with 'xormount unmount " + mountpoint + "'", e);
        }
        spec.commandLine().getOut().print(StatusTable.format(report));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
