package dev.xormount.audit;

import dev.xormount.checksum.ChecksumIndex.KnownModel;
import dev.xormount.checksum.Digests;
import dev.xormount.checksum.HashAlgorithm;
import dev.xormount.decode.DecodedFile;
import dev.xormount.fuse.ReadGuard;
import dev.xormount.model.Model;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes every decoded file of a mount through {@link DecodedFile#read} (not through FUSE, so the
 * block cache is neither used nor flushed), compares it with the published md5, and refuses reads
 * of files that do not match.
 *
 * <p>Files are hashed one at a time in the order of the mount, each in reads of
 * {@link Digests#READ_SIZE} bytes, and every read, including the base file's when a mismatch is
 * diagnosed, passes the {@link RateLimiter} first. With {@link #yieldTo}, the audit also pauses
 * before each read of a decoded file while readers of the mount are active, so a loader gets
 * the CPU. A loader that reads without pause therefore delays the audit until it stops. Results are looked up in and saved to an
 * {@link AuditStore} per model. The audit runs on whatever executor {@link #start} gets, so tests
 * can run it on the calling thread.
 */
public final class Auditor implements ReadGuard {
    private static final Logger log = LoggerFactory.getLogger(Auditor.class);

    /**
     * One model to audit.
     *
     * @param known its manifests, or null when no manifest is known (every file stays unchecked)
     * @param store where its results are saved
     */
    public record Plan(Model model, KnownModel known, AuditStore store) {}

    private final List<Plan> plans;
    private final Map<DecodedFile, FileAudit> audits = new IdentityHashMap<>();
    private final List<FileAudit> ordered = new ArrayList<>();
    private final Map<DecodedFile, AuditStore> stores = new IdentityHashMap<>();
    private final RateLimiter limiter;
    private final MismatchPolicy policy;
    private final Consumer<DecodedFile> onMismatch;
    private final Diagnoser diagnoser;
    private final AuditMode mode;
    private volatile boolean stopped;
    private LongSupplier readerActivity = () -> 0;
    private RateLimiter.Sleeper pauser = nanos -> { };
    private long pauseNanos;
    /** The reader activity seen by the previous read; only the audit thread uses it. */
    private long lastActivity;

    /**
     * @param onMismatch called once per mismatched file before reads are refused, for example to drop its cached blocks
     */
    public Auditor(List<Plan> plans, AuditMode mode, RateLimiter limiter, MismatchPolicy policy, Consumer<DecodedFile> onMismatch) {
        this.plans = List.copyOf(plans);
        this.mode = mode;
        this.limiter = limiter;
        this.policy = policy;
        this.onMismatch = onMismatch;
        this.diagnoser = new Diagnoser(this::hashSourceFile);
        for (Plan plan : this.plans) {
            for (DecodedFile file : plan.model().files().values()) {
                String expected = null;
                String expectedBase = null;
                String baseManifest = null;
                if (plan.known() != null && mode != AuditMode.OFF) {
                    expected = plan.known().decoded().hashOf(file.name());
                    if (plan.known().base() != null) {
                        expectedBase = plan.known().base().hashOf(file.name());
                        baseManifest = plan.known().base().name();
                    }
                }
                FileAudit audit = new FileAudit(plan.model().name(), file, expected, expectedBase, baseManifest);
                audits.put(file, audit);
                ordered.add(audit);
                stores.put(file, plan.store());
            }
        }
    }

    public AuditMode mode() {
        return mode;
    }

    public List<Plan> plans() {
        return plans;
    }

    /** Returns the audit of every file, in mount order. */
    public List<FileAudit> files() {
        return List.copyOf(ordered);
    }

    /**
     * Makes the audit wait before each read, when {@code activity} changed since the previous
     * read, until it stays unchanged for {@code pauseNanos}. Call before {@link #start}.
     *
     * @param activity a counter that grows while readers are active, such as the bytes served
     * @param sleeper waits for {@code pauseNanos}; tests pass a fake
     */
    public void yieldTo(LongSupplier activity, RateLimiter.Sleeper sleeper, long pauseNanos) {
        this.readerActivity = activity;
        this.pauser = sleeper;
        this.pauseNanos = pauseNanos;
    }

    /** Submits {@link #runAll()} to {@code executor} and returns at once. */
    public void start(Executor executor) {
        executor.execute(() -> {
            try {
                runAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Stops the audit after its current read; files not yet hashed stay pending. */
    public void stop() {
        stopped = true;
    }

    /** Audits every pending file on this thread and returns when all are done or {@link #stop()} was called. */
    public void runAll() throws InterruptedException {
        long started = System.nanoTime();
        for (Plan plan : plans) {
            logStart(plan);
        }
        for (FileAudit audit : ordered) {
            if (stopped) {
                return;
            }
            if (audit.state() == AuditState.PENDING) {
                auditOne(audit);
            }
        }
        logSummary((System.nanoTime() - started) / 1e9);
    }

    private void auditOne(FileAudit audit) throws InterruptedException {
        DecodedFile file = audit.file();
        AuditStore store = stores.get(file);
        String identity = AuditStore.identity(file, audit.expected());
        AuditStore.Saved saved = store.lookup(file.name(), identity);
        if (saved != null) {
            Diagnosis diagnosis = saved.side() == null ? null : new Diagnosis(saved.side(), saved.cause());
            record(audit, saved.state(), saved.actual(), diagnosis, true);
            return;
        }
        audit.start();
        try {
            String actual = hashDecoded(audit);
            if (actual == null) {
                return;
            }
            if (actual.equals(audit.expected())) {
                record(audit, AuditState.VERIFIED, actual, null, false);
            } else {
                Diagnosis diagnosis = diagnoser.diagnose(file, audit.expectedBase(), audit.baseManifest());
                record(audit, AuditState.MISMATCH, actual, diagnosis, false);
            }
            store.save(file.name(), new AuditStore.Saved(identity, audit.state(), actual,
                    audit.diagnosis() == null ? null : audit.diagnosis().side(),
                    audit.diagnosis() == null ? null : audit.diagnosis().cause()));
        } catch (IOException | RuntimeException e) {
            if (stopped) {
                return;
            }
            log.warn("Audit of {}/{} failed: {}", audit.model(), file.name(), e.toString());
            audit.finish(AuditState.FAILED, null, new Diagnosis(Diagnosis.Side.UNKNOWN, "hashing failed: " + e), false);
        }
    }

    /** Returns the decoded md5 of the audit's file, or null if the audit was stopped midway. */
    private String hashDecoded(FileAudit audit) throws IOException, InterruptedException {
        DecodedFile file = audit.file();
        MessageDigest digest = HashAlgorithm.MD5.newDigest();
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(Digests.READ_SIZE, Math.max(1, file.size())));
        long position = 0;
        while (position < file.size()) {
            if (stopped) {
                return null;
            }
            int length = (int) Math.min(buffer.capacity(), file.size() - position);
            waitForIdleReaders();
            limiter.acquire(length);
            buffer.clear().limit(length);
            file.read(position, buffer);
            buffer.flip();
            digest.update(buffer);
            position += length;
            audit.progress(position);
        }
        return Digests.hex(digest);
    }

    /** Returns at once if no reader was active since the previous call, else once readers pause. */
    private void waitForIdleReaders() throws InterruptedException {
        long now = readerActivity.getAsLong();
        while (now != lastActivity && !stopped) {
            lastActivity = now;
            pauser.sleep(pauseNanos);
            now = readerActivity.getAsLong();
        }
    }

    private String hashSourceFile(Path path) throws IOException, InterruptedException {
        MessageDigest digest = HashAlgorithm.MD5.newDigest();
        ByteBuffer buffer = ByteBuffer.allocateDirect(Digests.READ_SIZE);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            int n;
            while ((n = channel.read(buffer.clear())) > 0) {
                // The limiter books these bytes and delays the next read if they exceed the rate.
                limiter.acquire(n);
                digest.update(buffer.flip());
            }
        }
        return Digests.hex(digest);
    }

    private void record(FileAudit audit, AuditState state, String actual, Diagnosis diagnosis, boolean reused) {
        audit.finish(state, actual, diagnosis, reused);
        String path = audit.model() + "/" + audit.file().name();
        if (state == AuditState.VERIFIED) {
            log.debug("Audit: {} matches its published md5{}", path, reused ? " (saved result)" : "");
            return;
        }
        if (state != AuditState.MISMATCH) {
            return;
        }
        String consequence = policy == MismatchPolicy.EIO ? "reads of it now fail with EIO" : "still served (--on-mismatch warn)";
        log.error("Audit: {} has md5 {}, not the published {}{}; at fault: {}: {}; {}", path, actual, audit.expected(),
                reused ? " (saved result)" : "", diagnosis.side(), diagnosis.cause(), consequence);
        if (policy == MismatchPolicy.EIO) {
            onMismatch.accept(audit.file());
        }
    }

    /**
     * Returns why reads of {@code file} fail: set once its audit found a mismatch under
     * {@link MismatchPolicy#EIO}.
     *
     * <p>NOTE: with {@code --audit background}, bytes read before the audit reached a file were
     * served unchecked, and a handle opened before the mismatch can still read pages the kernel
     * cached then (files are opened with keep_cache). New opens and uncached reads fail with EIO.
     * {@code --audit first} avoids both.
     */
    @Override
    public String refusal(DecodedFile file) {
        if (policy != MismatchPolicy.EIO) {
            return null;
        }
        FileAudit audit = audits.get(file);
        if (audit == null || audit.state() != AuditState.MISMATCH) {
            return null;
        }
        return "its decoded md5 " + audit.actual() + " differs from the published " + audit.expected()
                + "; at fault: " + audit.diagnosis().side() + ": " + audit.diagnosis().cause();
    }

    private void logStart(Plan plan) {
        if (mode == AuditMode.OFF) {
            return;
        }
        if (plan.known() == null) {
            log.info("Audit: no published md5 known for {}; pass --checksums FILE to check it", plan.model().name());
            return;
        }
        long files = plan.model().files().values().stream().filter(f -> audits.get(f).expected() != null).count();
        log.info("Audit of {} started: {} files against {} (base manifest {}){}", plan.model().name(), files,
                plan.known().decoded().name(), plan.known().base() == null ? "none" : plan.known().base().name(),
                plan.store().file() == null ? "" : ", results saved in " + plan.store().file());
    }

    private void logSummary(double seconds) {
        if (mode == AuditMode.OFF) {
            return;
        }
        long verified = 0;
        long mismatched = 0;
        long reused = 0;
        long failed = 0;
        for (FileAudit audit : ordered) {
            verified += audit.state() == AuditState.VERIFIED ? 1 : 0;
            mismatched += audit.state() == AuditState.MISMATCH ? 1 : 0;
            failed += audit.state() == AuditState.FAILED ? 1 : 0;
            reused += audit.reused() ? 1 : 0;
        }
        log.info("Audit finished in {} s: {} verified, {} mismatched, {} failed; {} results reused from the state folder",
                String.format("%.1f", seconds), verified, mismatched, failed, reused);
    }
}
