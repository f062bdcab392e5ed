package dev.xormount.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.checksum.ChecksumIndex;
import dev.xormount.decode.DecodedFile;
import dev.xormount.model.Model;
import dev.xormount.model.ModelScanner;
import dev.xormount.model.PlainRules;
import dev.xormount.testing.DemoCopy;
import dev.xormount.testing.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the audit on the calling thread against copies of the demo model. */
class AuditorTest {
    private static final String SHARD = "pytorch_model-00002-of-00003.bin";

    @TempDir
    Path temp;

    private DemoCopy demo;
    private ChecksumIndex.KnownModel known;
    private final List<Model> opened = new ArrayList<>();
    private final List<DecodedFile> invalidated = new ArrayList<>();
    private RateLimiter limiter;

    @BeforeEach
    void copyDemo() throws Exception {
        demo = DemoCopy.create(temp.resolve("sources"));
        known = ChecksumIndex.load(Repo.root().resolve("checksums")).models().stream()
                .filter(m -> m.decoded().name().equals("tiny-llama-sft.md5")).findFirst().orElseThrow();
    }

    @AfterEach
    void closeModels() throws Exception {
        for (Model model : opened) {
            model.close();
        }
    }

    private Auditor audit(MismatchPolicy policy, AuditStore store) throws Exception {
        Model model = new ModelScanner(PlainRules.defaults(), false).scan("tiny-llama-sft", demo.base(), demo.payload());
        opened.add(model);
        Auditor auditor = new Auditor(List.of(new Auditor.Plan(model, known, store)), AuditMode.BACKGROUND,
                countingLimiter(), policy, invalidated::add);
        auditor.start(Runnable::run);
        return auditor;
    }

    /** Returns a new limiter without a cap; {@link #bytesAcquired} reads the last one made. */
    private RateLimiter countingLimiter() {
        limiter = new RateLimiter(0, System::nanoTime, nanos -> {
            throw new AssertionError("a limiter without a cap slept");
        });
        return limiter;
    }

    private long bytesAcquired() {
        return limiter.bytesAcquired();
    }

    private static Map<String, FileAudit> byName(Auditor auditor) {
        return auditor.files().stream().collect(Collectors.toMap(a -> a.file().name(), Function.identity()));
    }

    @Test
    void audit_goodDemo_verifiesEveryFile() throws Exception {
        Auditor auditor = audit(MismatchPolicy.EIO, AuditStore.inMemory());

        assertEquals(10, auditor.files().size());
        for (FileAudit file : auditor.files()) {
            assertEquals(AuditState.VERIFIED, file.state(), file.file().name());
            assertEquals(file.file().size(), file.bytesDone(), file.file().name());
            assertFalse(file.reused(), file.file().name());
            assertNull(auditor.refusal(file.file()), file.file().name());
        }
        assertTrue(invalidated.isEmpty());
    }

    @Test
    void audit_everyReadPassesRateLimiter() throws Exception {
        Auditor auditor = audit(MismatchPolicy.EIO, AuditStore.inMemory());

        long decodedBytes = auditor.files().stream().mapToLong(f -> f.file().size()).sum();
        assertEquals(decodedBytes, bytesAcquired());
    }

    @Test
    void audit_corruptBaseShard_refusesOnlyThatFile() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 5000);

        Auditor auditor = audit(MismatchPolicy.EIO, AuditStore.inMemory());

        FileAudit bad = byName(auditor).get(SHARD);
        assertEquals(AuditState.MISMATCH, bad.state());
        assertEquals(Diagnosis.Side.BASE, bad.diagnosis().side());
        assertNotNull(auditor.refusal(bad.file()));
        assertTrue(auditor.refusal(bad.file()).contains("BASE"), auditor.refusal(bad.file()));
        assertEquals(List.of(bad.file()), invalidated);
        for (FileAudit file : auditor.files()) {
            if (file != bad) {
                assertEquals(AuditState.VERIFIED, file.state(), file.file().name());
                assertNull(auditor.refusal(file.file()), file.file().name());
            }
        }
    }

    @Test
    void audit_warnPolicy_keepsServing() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 5000);

        Auditor auditor = audit(MismatchPolicy.WARN, AuditStore.inMemory());

        FileAudit bad = byName(auditor).get(SHARD);
        assertEquals(AuditState.MISMATCH, bad.state());
        assertNull(auditor.refusal(bad.file()));
        assertTrue(invalidated.isEmpty());
    }

    @Test
    void audit_unchangedSources_reusesSavedResults() throws Exception {
        DemoCopy.corruptByte(demo.base().resolve(SHARD), 5000);
        Path state = temp.resolve("state");
        audit(MismatchPolicy.EIO, AuditStore.open(state, "demo"));

        Auditor second = audit(MismatchPolicy.EIO, AuditStore.open(state, "demo"));

        assertEquals(0, bytesAcquired(), "no byte hashed again");
        for (FileAudit file : second.files()) {
            assertTrue(file.reused(), file.file().name());
        }
        FileAudit bad = byName(second).get(SHARD);
        assertEquals(AuditState.MISMATCH, bad.state());
        assertEquals(Diagnosis.Side.BASE, bad.diagnosis().side());
        assertNotNull(second.refusal(bad.file()));
    }

    @Test
    void audit_touchedSource_isAuditedAgain() throws Exception {
        Path state = temp.resolve("state");
        audit(MismatchPolicy.EIO, AuditStore.open(state, "demo"));
        Path touched = demo.payload().resolve(SHARD);
        Files.setLastModifiedTime(touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 60_000));

        Auditor second = audit(MismatchPolicy.EIO, AuditStore.open(state, "demo"));

        for (FileAudit file : second.files()) {
            assertEquals(!file.file().name().equals(SHARD), file.reused(), file.file().name());
            assertEquals(AuditState.VERIFIED, file.state(), file.file().name());
        }
        assertEquals(Files.size(touched), bytesAcquired(), "only the touched file is hashed");
    }

    @Test
    void audit_offMode_leavesFilesUnchecked() throws Exception {
        Model model = new ModelScanner(PlainRules.defaults(), false).scan("tiny-llama-sft", demo.base(), demo.payload());
        opened.add(model);

        Auditor auditor = new Auditor(List.of(new Auditor.Plan(model, known, AuditStore.inMemory())), AuditMode.OFF,
                countingLimiter(), MismatchPolicy.EIO, invalidated::add);
        auditor.start(Runnable::run);

        for (FileAudit file : auditor.files()) {
            assertEquals(AuditState.UNCHECKED, file.state(), file.file().name());
        }
        assertEquals(0, bytesAcquired());
    }

    @Test
    void audit_unknownModel_leavesFilesUnchecked() throws Exception {
        Model model = new ModelScanner(PlainRules.defaults(), false).scan("tiny-llama-sft", demo.base(), demo.payload());
        opened.add(model);

        Auditor auditor = new Auditor(List.of(new Auditor.Plan(model, null, AuditStore.inMemory())), AuditMode.BACKGROUND,
                countingLimiter(), MismatchPolicy.EIO, invalidated::add);
        auditor.start(Runnable::run);

        for (FileAudit file : auditor.files()) {
            assertEquals(AuditState.UNCHECKED, file.state(), file.file().name());
        }
    }

    @Test
    void stop_beforeStart_leavesFilesPending() throws Exception {
        Model model = new ModelScanner(PlainRules.defaults(), false).scan("tiny-llama-sft", demo.base(), demo.payload());
        opened.add(model);
        Auditor auditor = new Auditor(List.of(new Auditor.Plan(model, known, AuditStore.inMemory())), AuditMode.BACKGROUND,
                countingLimiter(), MismatchPolicy.EIO, invalidated::add);

        auditor.stop();
        auditor.start(Runnable::run);

        for (FileAudit file : auditor.files()) {
            assertEquals(AuditState.PENDING, file.state(), file.file().name());
        }
    }

    @Test
    void yieldTo_activeReaders_pausesUntilIdle() throws Exception {
        Model model = new ModelScanner(PlainRules.defaults(), false).scan("tiny-llama-sft", demo.base(), demo.payload());
        opened.add(model);
        Auditor auditor = new Auditor(List.of(new Auditor.Plan(model, known, AuditStore.inMemory())), AuditMode.BACKGROUND,
                countingLimiter(), MismatchPolicy.EIO, invalidated::add);
        // Readers are active for the first three checks (the counter grows), then stop for good.
        long[] served = {0};
        int[] checks = {0};
        List<Long> pauses = new ArrayList<>();
        auditor.yieldTo(() -> ++checks[0] <= 3 ? served[0] += 4096 : served[0], pauses::add, 50_000_000L);

        auditor.start(Runnable::run);

        assertEquals(List.of(50_000_000L, 50_000_000L, 50_000_000L), pauses);
        assertTrue(auditor.files().stream().allMatch(f -> f.state() == AuditState.VERIFIED));
    }
}
