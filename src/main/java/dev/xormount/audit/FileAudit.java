package dev.xormount.audit;

import dev.xormount.decode.DecodedFile;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audit of one decoded file: its expected md5s and its progress. The audit thread writes it
 * while status renders and the read guard read it, so every field that changes is volatile or
 * atomic.
 */
public final class FileAudit {
    private final String model;
    private final DecodedFile file;
    private final String expected;
    private final String expectedBase;
    private final String baseManifest;
    private final AtomicLong bytesDone = new AtomicLong();
    private volatile AuditState state;
    private volatile String actual;
    private volatile Diagnosis diagnosis;
    private volatile boolean reused;

    /**
     * @param expected published md5 of the decoded file, or null if no manifest lists it
     * @param expectedBase published md5 of the base file, or null if not published
     * @param baseManifest name of the manifest {@code expectedBase} comes from, or null
     */
    FileAudit(String model, DecodedFile file, String expected, String expectedBase, String baseManifest) {
        this.model = model;
        this.file = file;
        this.expected = expected;
        this.expectedBase = expectedBase;
        this.baseManifest = baseManifest;
        this.state = expected == null ? AuditState.UNCHECKED : AuditState.PENDING;
    }

    public String model() {
        return model;
    }

    public DecodedFile file() {
        return file;
    }

    public String expected() {
        return expected;
    }

    String expectedBase() {
        return expectedBase;
    }

    String baseManifest() {
        return baseManifest;
    }

    public AuditState state() {
        return state;
    }

    public long bytesDone() {
        return bytesDone.get();
    }

    public String actual() {
        return actual;
    }

    /** Returns the diagnosis of a mismatch, the error of a failed hash, or null. */
    public Diagnosis diagnosis() {
        return diagnosis;
    }

    /** Returns true if the result was loaded from the state folder instead of hashed in this mount. */
    public boolean reused() {
        return reused;
    }

    void start() {
        bytesDone.set(0);
        state = AuditState.IN_PROGRESS;
    }

    void progress(long done) {
        bytesDone.set(done);
    }

    void finish(AuditState result, String actualMd5, Diagnosis why, boolean fromStore) {
        actual = actualMd5;
        diagnosis = why;
        reused = fromStore;
        if (result == AuditState.VERIFIED || result == AuditState.MISMATCH) {
            bytesDone.set(file.size());
        }
        // Written last, so a thread that reads the final state also reads the fields above.
        state = result;
    }
}
