package dev.xormount.status;

import java.util.Locale;

/** Formats a {@link StatusReport} as a plain-text table for people. */
public final class StatusTable {
    private StatusTable() {}

    public static String format(StatusReport report) {
        StringBuilder out = new StringBuilder();
        int pathWidth = "FILE".length();
        for (StatusReport.FileEntry file : report.files()) {
            pathWidth = Math.max(pathWidth, (file.model() + "/" + file.path()).length());
        }
        String row = "%-" + pathWidth + "s  %-11s  %10s  %s%n";
        out.append(String.format(row, "FILE", "STATE", "SIZE", "DETAIL"));
        for (StatusReport.FileEntry file : report.files()) {
            out.append(String.format(row, file.model() + "/" + file.path(), file.state(), size(file.size()), detail(file)));
        }
        StatusReport.Audit audit = report.audit();
        if ("off".equals(audit.mode())) {
            out.append(String.format(Locale.ROOT, "%nAudit: off, no file was checked against its md5 (mount with --audit background or first)%n"));
        } else {
            out.append(String.format(Locale.ROOT, "%nAudit (%s, on mismatch %s): %d of %d files done, %s of %s hashed (%.0f%%)%n",
                    audit.mode(), audit.onMismatch(), audit.filesDone(), audit.filesTotal(), size(audit.bytesDone()),
                    size(audit.bytesTotal()), audit.bytesTotal() == 0 ? 100.0 : 100.0 * audit.bytesDone() / audit.bytesTotal()));
        }
        StatusReport.Cache cache = report.cache();
        out.append(String.format(Locale.ROOT, "Cache: %d hits, %d misses, %d evictions, %d failed loads, %s of %s held, %s served%n",
                cache.hits(), cache.misses(), cache.evictions(), cache.loadFailures(), size(cache.bytesCached()),
                size(cache.maxBytes()), size(cache.bytesServed())));
        return out.toString();
    }

    private static String detail(StatusReport.FileEntry file) {
        return switch (file.state()) {
            case "in_progress" -> String.format(Locale.ROOT, "%.0f%% hashed", file.size() == 0 ? 100.0 : 100.0 * file.bytesDone() / file.size());
            case "verified" -> file.reused() ? "saved result" : "";
            case "mismatch", "failed" -> (file.side() == null ? "" : file.side() + " at fault: ") + file.cause();
            case "unchecked" -> "not audited: audit off or no published md5";
            default -> "";
        };
    }

    /** Formats a byte count with a binary unit, for example "9.8 GiB". */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
