package dev.xormount.cli;

import dev.xormount.UserException;
import dev.xormount.audit.AuditMode;
import dev.xormount.audit.AuditStore;
import dev.xormount.audit.Auditor;
import dev.xormount.audit.MismatchPolicy;
import dev.xormount.audit.RateLimiter;
import dev.xormount.checksum.ChecksumIndex;
import dev.xormount.checksum.ChecksumIndex.KnownModel;
import dev.xormount.checksum.HashAlgorithm;
import dev.xormount.checksum.Manifest;
import dev.xormount.decode.DecodedFile;
import dev.xormount.model.Model;
import dev.xormount.model.PlainRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The {@code mount} options of the checksum audit, and the {@link Auditor} they describe. */
final class AuditOptions {
    /**
     * Default cap of the audit's reads. An estimate, not measured on the 65 GB model: at this rate
     * one 10 GB shard takes under a minute, and a loader that reads at several hundred MB/s keeps
     * most of the disk and CPU. Raise it with --audit-rate when nothing else reads.
     */
    static final String DEFAULT_RATE = "200";

    /**
     * The audit reads only after the mount served no bytes for this long: 50 ms is longer than the
     * gap between a loader's back-to-back reads, and short enough that the audit resumes soon after
     * the loader stops.
     */
    static final long READER_IDLE_NANOS = 50_000_000L;

    @Option(names = "--audit", paramLabel = "MODE", defaultValue = "background",
            description = "Check decoded files against their published md5: off, background (after the mount serves,"
                    + " pausing while it serves reads) or first (before it serves). Default: ${DEFAULT-VALUE}.")
    AuditMode mode;

    @Option(names = "--checksums", paramLabel = "FILE",
            description = "md5sum manifest of the decoded files of the payload at the same position, instead of the"
                    + " one found by matching file names. Repeatable.")
    List<Path> manifests = new ArrayList<>();

    @Option(names = "--on-mismatch", paramLabel = "ACTION", defaultValue = "eio",
            description = "What reads of a file that fails the audit do: eio (fail with an I/O error) or warn"
                    + " (serve it, log and show the mismatch). Default: ${DEFAULT-VALUE}.")
    MismatchPolicy policy;

    @Option(names = "--audit-rate", paramLabel = "MB/s", defaultValue = DEFAULT_RATE,
            description = "Maximum megabytes (10^6 bytes) per second the audit reads; 0 for no limit. Default: ${DEFAULT-VALUE}.")
    double rateMegabytes;

    /** Checks the options against the number of payloads. */
    void validate(int payloadCount) {
        if (!(rateMegabytes >= 0) || Double.isInfinite(rateMegabytes)) {
            throw new UserException("invalid --audit-rate " + rateMegabytes + ": use megabytes per second, 0 for no limit");
        }
        if (!manifests.isEmpty() && manifests.size() != payloadCount) {
            throw new UserException(manifests.size() + " --checksums files for " + payloadCount
                    + " --payload folders; give one --checksums per --payload, in the same order, or none");
        }
    }

    /**
     * Creates the auditor for {@code models}: finds each model's manifests, from --checksums or
     * the known checksums folder, and opens its saved results under {@code stateDir}.
     *
     * @param onMismatch called for each file found wrong, to drop its cached blocks
     */
    Auditor createAuditor(List<Model> models, Path stateDir, Consumer<DecodedFile> onMismatch) throws IOException {
        ChecksumIndex index = ChecksumIndex.loadDefault();
        List<Auditor.Plan> plans = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            Model model = models.get(i);
            KnownModel known = null;
            if (mode != AuditMode.OFF) {
                known = manifests.isEmpty() ? index.modelFor(model.name(), model.files().keySet()).orElse(null) : fromOption(index, manifests.get(i));
            }
            if (known != null) {
                warnOnPlainDifferences(model, known);
            }
            String key = model.name() + "\n" + model.payloadDir() + "\n" + model.baseDir();
            plans.add(new Auditor.Plan(model, known, AuditStore.open(stateDir.resolve("audit"), key)));
        }
        return new Auditor(plans, mode, RateLimiter.ofMegabytesPerSecond(rateMegabytes), policy, onMismatch);
    }

    /**
     * Logs each file that the index lists as stored plain but the mount decodes, or the other way
     * round, because its audit fails until --plain matches the publisher's choice.
     */
    private static void warnOnPlainDifferences(Model model, KnownModel known) {
        PlainRules published = new PlainRules(known.plain());
        for (DecodedFile file : model.files().values()) {
            boolean plainInIndex = published.isPlain(file.name());
            if (plainInIndex != file.isPlain()) {
                LoggerFactory.getLogger(AuditOptions.class).warn(
                        "{}/{} is {} in the payload according to {}, but this mount {} it; {}", model.name(), file.name(),
                        plainInIndex ? "stored plain" : "XORed", known.decoded().name(), file.isPlain() ? "copies" : "decodes",
                        plainInIndex ? "add --plain '" + file.name() + "'" : "remove the --plain glob that matches it");
            }
        }
    }

    /** Returns the model of a --checksums file, with its base manifest when the index pairs one with it. */
    private static KnownModel fromOption(ChecksumIndex index, Path file) throws IOException {
        Manifest decoded = Manifest.read(file).requireAlgorithm(HashAlgorithm.MD5, "the mount audit",
                "pass the md5sum manifest of the decoded files with --checksums");
        for (KnownModel known : index.models()) {
            if (known.base() != null && known.base().hashes().equals(decoded.hashes())) {
                throw new UserException("--checksums " + file + " lists the base files (" + known.base().name()
                        + "), not the decoded ones; pass the decoded model's manifest, " + known.decoded().name());
            }
        }
        return index.modelWithDecoded(decoded)
                .map(known -> new KnownModel(decoded, known.base(), known.plain()))
                .orElse(new KnownModel(decoded, null, List.of()));
    }
}
