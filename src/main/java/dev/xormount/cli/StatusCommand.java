package dev.xormount.cli;

import com.fasterxml.jackson.core.JacksonException;
import dev.xormount.UserException;
import dev.xormount.status.StatusFile;
import dev.xormount.status.StatusReport;
import dev.xormount.status.StatusTable;
import java.io.IOException;
import java.nio.file.Files;
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
        if (!Files.isDirectory(mountpoint)) {
            throw new UserException("mountpoint " + mountpoint + " not found; pass the folder xormount is mounted on");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException(mountpoint + " is not an xormount mount (no " + StatusFile.NAME
                    + "); pass the folder given to 'xormount mount'");
        }
        StatusReport report;
        try {
            report = StatusFile.read(file);
        } catch (JacksonException e) {
            throw new UserException("invalid status file " + file + ": " + e.getOriginalMessage()
                    + "; mount with the same xormount version as this command", e);
        }
        spec.commandLine().getOut().print(StatusTable.format(report));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
