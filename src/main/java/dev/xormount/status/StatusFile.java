package dev.xormount.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.xormount.audit.AuditState;
import dev.xormount.audit.Auditor;
import dev.xormount.audit.FileAudit;
import dev.xormount.audit.MismatchPolicy;
import dev.xormount.cache.CacheStats;
import dev.xormount.fuse.VirtualTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The read-only JSON file {@value #NAME} at the root of a mount: the audit state of every file and
 * the cache counters, rendered anew on each open.
 */
public final class StatusFile implements VirtualTree.ContentSource {
    /** File name at the mount root; hidden, so {@code ls} and loaders do not see it. */
    public static final String NAME = ".xormount-status.json";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Auditor auditor;
    private final MismatchPolicy policy;
    private final Supplier<CacheStats> cacheStats;
    private volatile LongSupplier bytesServed = () -> 0;

    public StatusFile(Auditor auditor, MismatchPolicy policy, Supplier<CacheStats> cacheStats) {
        this.auditor = auditor;
        this.policy = policy;
        this.cacheStats = cacheStats;
    }

    /** Sets where the served byte count comes from, once the filesystem exists. */
    public void bytesServed(LongSupplier source) {
        this.bytesServed = source;
    }

    /** Returns the status as it is now. */
    public StatusReport report() {
        List<StatusReport.FileEntry> files = new ArrayList<>();
        long filesDone = 0;
        long bytesTotal = 0;
        long bytesDone = 0;
        for (FileAudit audit : auditor.files()) {
            AuditState state = audit.state();
            filesDone += state.isFinal() ? 1 : 0;
            if (audit.expected() != null) {
                bytesTotal += audit.file().size();
                bytesDone += audit.bytesDone();
            }
            files.add(new StatusReport.FileEntry(audit.model(), audit.file().name(), audit.file().size(),
                    lower(state.name()), audit.bytesDone(), audit.expected(), audit.actual(),
                    audit.diagnosis() == null ? null : lower(audit.diagnosis().side().name()),
                    audit.diagnosis() == null ? null : audit.diagnosis().cause(), audit.reused()));
        }
        CacheStats stats = cacheStats.get();
        return new StatusReport(
                new StatusReport.Audit(lower(auditor.mode().name()), lower(policy.name()), files.size(), filesDone, bytesTotal, bytesDone),
                files,
                new StatusReport.Cache(stats.hits(), stats.misses(), stats.evictions(), stats.loadFailures(),
                        stats.bytesCached(), stats.maxBytes(), bytesServed.getAsLong()));
    }

    @Override
    public byte[] render() {
        try {
            return MAPPER.writeValueAsBytes(report());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a status file written by {@link #render()}. */
    public static StatusReport read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return MAPPER.readValue(in, StatusReport.class);
        }
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
