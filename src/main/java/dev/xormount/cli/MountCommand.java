package dev.xormount.cli;

import dev.xormount.UserException;
import dev.xormount.audit.AuditMode;
import dev.xormount.audit.AuditState;
import dev.xormount.audit.Auditor;
import dev.xormount.audit.FileAudit;
import dev.xormount.audit.LowPriorityThreads;
import dev.xormount.audit.MismatchPolicy;
import dev.xormount.cache.BlockCache;
import dev.xormount.cache.BlockReader;
import dev.xormount.decode.DecodedFile;
import dev.xormount.fuse.FuseMount;
import dev.xormount.fuse.FuseSupport;
import dev.xormount.fuse.MountTable;
import dev.xormount.fuse.MountpointCheck;
import dev.xormount.fuse.VirtualTree;
import dev.xormount.fuse.XorFilesystem;
import dev.xormount.model.Model;
import dev.xormount.model.ModelScanner;
import dev.xormount.model.PlainRules;
import dev.xormount.status.StatusFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xormount mount}: serves decoded models at a mountpoint until unmounted or signalled. */
@Command(name = "mount",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Mounts a read-only folder with one sub-folder per payload, whose files are decoded on the fly.",
            "Runs in the foreground until unmounted ('xormount unmount MOUNTPOINT'), Ctrl-C or SIGTERM."
        })
public final class MountCommand implements Callable<Integer> {
    /** Printed on standard output by a background child once the mount serves reads. */
    static final String READY_LINE = "xormount-ready";
    /** Starts a line a background child sends for the user's terminal before it is ready. */
    static final String NOTE_PREFIX = "xormount-note ";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static volatile boolean exiting;

    private final List<Path> writtenPidFiles = new CopyOnWriteArrayList<>();

    @Option(names = "--base", required = true, paramLabel = "DIR",
            description = "Folder of the base model in Hugging Face layout (for LLaMA: the output of convert_llama_weights_to_hf.py).")
    Path base;

    @Option(names = "--payload", required = true, paramLabel = "DIR",
            description = "Folder of an XOR payload. Repeat to serve several fine-tunes of the same base in one mount.")
    List<Path> payloads;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Folder name in the mount for the payload at the same position."
                    + " Default: the payload folder's name without a trailing '-xor'.")
    List<String> names = new ArrayList<>();

    // NOTE: only read-ahead fills the block cache, so with --read-ahead 0 (the default) this
    // memory stays unused. Reads that miss the cache decode straight into the FUSE buffer.
    @Option(names = "--cache-size", paramLabel = "SIZE", defaultValue = "1G", converter = ByteSizeConverter.class,
            description = "Memory for decoded blocks, in bytes with an optional K, M or G suffix (powers of 1024). Default: ${DEFAULT-VALUE}.")
    long cacheSize;

    @Option(names = "--block-size", paramLabel = "SIZE", defaultValue = "1M", converter = ByteSizeConverter.class,
            description = "Size of the blocks --read-ahead decodes into the cache: a power of two from 4K to 64M. Default: ${DEFAULT-VALUE}.")
    long blockSize;

    // Default 0: the kernel's own read-ahead already keeps libfuse's threads busy, and decoding
    // into cache blocks cost about twice the CPU per byte of decoding into the request buffer
    // (bench/run, docs/BENCHMARKS.md).
    @Option(names = "--read-ahead", paramLabel = "BLOCKS", defaultValue = "0",
            description = "Blocks decoded into the cache ahead of a sequential reader; 0 leaves read-ahead to the kernel. Default: ${DEFAULT-VALUE}.")
    int readAheadBlocks;

    @Option(names = "--plain", paramLabel = "GLOB",
            description = "Payload files stored plain, not XORed, in addition to added_tokens.json."
                    + " A glob without '/' matches file names (PygmalionAI: --plain '*.json'). Repeatable.")
    List<String> plainGlobs = new ArrayList<>();

    @Option(names = "--skip-missing",
            description = "Serve the other files when the base lacks some payload files, instead of refusing to mount.")
    boolean skipMissing;

    @Option(names = "--allow-other",
            description = "Let other users read the mount (the kernel still checks each file's owner and read bits)."
                    + " Non-root users need 'user_allow_other' in /etc/fuse.conf.")
    boolean allowOther;

    @Option(names = "--background",
            description = "Return once the mount serves reads, leaving a daemon that logs to --log-file.")
    boolean background;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "Append log lines to FILE instead of standard error."
                    + " Default with --background: mount.log in the state folder.")
    Path logFile;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Write the daemon's process id to FILE while it runs (for a service manager's PIDFile)."
                    + " A pid file for 'xormount unmount' is always kept in the state folder.")
    Path pidFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Folder for logs and saved state. Default: $XDG_CACHE_HOME/xormount or ~/.cache/xormount.")
    Path stateDir;

    @Option(names = "--daemon-child", hidden = true,
            description = "Internal: this process is the daemon started by --background.")
    boolean daemonChild;

    @Mixin
    AuditOptions audit;

    @Mixin
    Main.CommonOptions common;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "An existing empty folder to mount on.")
    Path mountpoint;

    /** Tells the shutdown hook that the process is exiting on its own, with its own exit code. */
    static void markExiting() {
        exiting = true;
    }

    @Override
    public Integer call() throws Exception {
        validateOptions();
        if (background && !daemonChild) {
            return Background.launch(this);
        }
        try {
            return serve();
        } catch (UserException e) {
            if (daemonChild) {
                System.out.println("xormount-error " + e.getMessage());
                System.out.flush();
            }
            throw e;
        }
    }

    private int serve() throws IOException, InterruptedException {
        Logger log = LoggerFactory.getLogger(MountCommand.class);
        Path baseFolder = ModelScanner.checkFolder(base, "base", "--base");
        List<Model> models = scanModels(baseFolder);
        try {
            return serve(models, baseFolder, log);
        } finally {
            closeAll(models);
        }
    }

    private int serve(List<Model> models, Path baseFolder, Logger log) throws IOException, InterruptedException {
        List<Path> sources = new ArrayList<>();
        sources.add(baseFolder);
        models.forEach(m -> sources.add(m.payloadDir()));
        Path target = MountpointCheck.check(mountpoint, sources);
        // The machine is checked after the user's arguments, so a mistyped folder is reported
        // first even where this user cannot mount at all.
        boolean root = POSIXFactory.getJavaPOSIX().getuid() == 0;
        FuseSupport.check(root);
        if (allowOther) {
            FuseSupport.checkAllowOther(root);
        }

        ThreadPoolExecutor readAhead = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(64), runnable -> {
                    Thread thread = new Thread(runnable, "read-ahead");
                    thread.setDaemon(true);
                    return thread;
                });
        BlockCache cache = new BlockCache(cacheSize, (int) blockSize, Runnable::run);
        BlockReader reader = new BlockReader(cache, readAhead, readAheadBlocks);
        Auditor auditor = audit.createAuditor(models, StateDirs.resolve(stateDir), cache::invalidate);
        StatusFile status = new StatusFile(auditor, audit.policy, cache::stats);
        XorFilesystem filesystem;
        try {
            filesystem = new XorFilesystem(new VirtualTree(models, Map.of(StatusFile.NAME, status)), reader, auditor);
        } catch (LinkageError | IllegalStateException e) {
            throw FuseSupport.libraryMissing(e);
        }
        // jnr-fuse has loaded jffi's stub by now, and jffi deletes the unpacked file once loaded,
        // so the folder can go at once instead of outliving a daemon that is later killed.
        NativeStubFolder.delete();
        status.bytesServed(filesystem::bytesServed);
        auditor.yieldTo(filesystem::bytesServed, TimeUnit.NANOSECONDS::sleep, AuditOptions.READER_IDLE_NANOS);
        if (audit.mode == AuditMode.FIRST) {
            auditor.runAll();
            reportMismatches(auditor);
        }

        writePidFiles(target);
        // The hook is in place before mounting, so a SIGTERM that arrives while libfuse mounts
        // still unmounts and exits 0 instead of leaving a mount behind.
        AtomicReference<FuseMount> mounted = new AtomicReference<>();
        ExecutorService auditThread = Executors.newSingleThreadExecutor(new LowPriorityThreads("audit"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(target, mounted, auditor, models), "unmount-on-exit"));
        // Served files are cached by the kernel as decoded pages, so the source pages are dead
        // weight. Turned on only now, after every check, so that no native library is still
        // being unpacked in the background when a check fails and the process exits.
        DecodedFile.dropSourcePagesAfterReads();
        log.debug("Mounting at {} with libfuse options {}; cache {} bytes in blocks of {} bytes, read-ahead {} blocks",
                target, fuseOptions(), cacheSize, blockSize, readAheadBlocks);
        FuseMount mount;
        try {
            mount = FuseMount.start(filesystem, target, fuseOptions(), common.verbose, CONNECT_TIMEOUT);
        } catch (RuntimeException e) {
            deletePidFiles();
            throw e;
        }
        mounted.set(mount);
        if (audit.mode == AuditMode.BACKGROUND) {
            auditor.start(auditThread);
        }
        for (Model model : models) {
            log.info("Serving {} files of {} at {} (payload {}, base {})", model.files().size(), model.name(),
                    target.resolve(model.name()), model.payloadDir(), model.baseDir());
        }
        if (daemonChild) {
            for (Model model : models) {
                if (!model.skipped().isEmpty()) {
                    System.out.println(NOTE_PREFIX + "left out of " + model.name()
                            + ": " + String.join(", ", model.skipped().keySet()) + " (reasons in the log)");
                }
            }
            System.out.println(READY_LINE);
            System.out.flush();
            System.out.close();
        }

        mount.awaitUnmounted();
        log.info("Unmounted {}", target);
        auditor.stop();
        auditThread.shutdownNow();
        readAhead.shutdownNow();
        deletePidFiles();
        return ExitCodes.OK;
    }

    /**
     * Tells the user's terminal which files failed the audit that ran before mounting, since the
     * mount then serves them as I/O errors and the details are otherwise only in the log.
     */
    private void reportMismatches(Auditor auditor) {
        for (FileAudit file : auditor.files()) {
            if (file.state() != AuditState.MISMATCH) {
                continue;
            }
            String cause = file.diagnosis() == null ? "cause unknown" : file.diagnosis().cause();
            String line = file.model() + "/" + file.file().name() + " does not match its published md5 ("
                    + cause + "); " + (audit.policy == MismatchPolicy.EIO ? "reads of it fail with an I/O error" : "it is served anyway");
            if (daemonChild) {
                System.out.println(NOTE_PREFIX + line);
            } else {
                System.err.println("xormount: " + line);
            }
        }
    }

    private void validateOptions() {
        if (blockSize < 4096 || blockSize > (64 << 20) || Long.bitCount(blockSize) != 1) {
            throw new UserException("invalid --block-size " + blockSize + ": use a power of two from 4K to 64M, for example 1M");
        }
        if (cacheSize < 2 * blockSize) {
            throw new UserException("--cache-size " + cacheSize + " is smaller than two blocks of " + blockSize
                    + " bytes; raise --cache-size or lower --block-size");
        }
        if (readAheadBlocks < 0 || readAheadBlocks > 256) {
            throw new UserException("invalid --read-ahead " + readAheadBlocks + ": use 0 to 256 blocks");
        }
        if (!names.isEmpty() && names.size() != payloads.size()) {
            throw new UserException("got " + names.size() + " --name and " + payloads.size()
                    + " --payload options; give one --name per --payload, in the same order, or none");
        }
        for (String glob : plainGlobs) {
            PlainRules.checkGlob(glob);
        }
        audit.validate(payloads.size());
    }

    private List<Model> scanModels(Path baseFolder) throws IOException {
        ModelScanner scanner = new ModelScanner(new PlainRules(plainGlobs), skipMissing);
        List<Model> models = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try {
            for (int i = 0; i < payloads.size(); i++) {
                String name = names.isEmpty() ? defaultName(payloads.get(i)) : names.get(i);
                if (name.isEmpty() || name.startsWith(".") || name.contains("/")) {
                    throw new UserException("invalid model name '" + name
                            + "': pass a --name that is not empty, contains no '/' and does not start with '.'");
                }
                Path folder = payloads.get(i).toAbsolutePath().normalize();
                for (int j = 0; j < i; j++) {
                    if (Files.exists(folder) && Files.exists(payloads.get(j)) && Files.isSameFile(folder, payloads.get(j))) {
                        throw new UserException("payload folder " + payloads.get(i) + " is given twice; pass each --payload once");
                    }
                }
                if (!seen.add(name)) {
                    throw new UserException("two payloads would both be served as '" + name + "'; give each a distinct --name");
                }
                models.add(scanner.scan(name, baseFolder, payloads.get(i)));
            }
        } catch (UserException | IOException e) {
            closeAll(models);
            throw e;
        }
        return models;
    }

    /** Returns the payload folder's name without a trailing "-xor". */
    static String defaultName(Path payload) {
        Path name = payload.toAbsolutePath().normalize().getFileName();
        String text = name == null ? "model" : name.toString();
        return text.endsWith("-xor") && text.length() > 4 ? text.substring(0, text.length() - 4) : text;
    }

    List<String> fuseOptions() {
        List<String> options = new ArrayList<>(List.of(
                "ro",
                "fsname=xormount",
                "subtype=xormount",
                // The kernel checks owner and mode bits itself, so sharing with --allow-other
                // cannot widen access beyond what getattr reports.
                "default_permissions",
                "noatime",
                // The tree never changes while mounted, so the kernel may keep names and
                // attributes for a long time instead of asking again on every open.
                "entry_timeout=3600",
                "attr_timeout=3600",
                "negative_timeout=60"));
        if (allowOther) {
            options.add("allow_other");
        }
        if (FuseSupport.autoUnmountAvailable()) {
            // fusermount stays running and removes the mount when this process dies, SIGKILL and
            // out-of-memory exits included.
            options.add("auto_unmount");
        }
        // NOTE: a dead mount stays until the next mount or 'xormount unmount' clears it in two
        // cases. One is a root mount with fusermount missing. The other is a non-root mount
        // without allow_other, where fusermount 3.14 (Debian 12) exits without unmounting,
        // likely because root gets EACCES on such a mount.
        return options;
    }

    private void stopOnSignal(Path target, AtomicReference<FuseMount> mounted, Auditor auditor, List<Model> models) {
        FuseMount mount = mounted.get();
        if (exiting || (mount != null && mount.isUnmounted())) {
            return;
        }
        LoggerFactory.getLogger(MountCommand.class).info("Signal received, unmounting {}", target);
        auditor.stop();
        if (mount != null) {
            mount.close();
        } else if (MountTable.unmount(target, true) == null) {
            LoggerFactory.getLogger(MountCommand.class).info("Detached the mount at {} that was still starting", target);
        }
        closeAll(models);
        deletePidFiles();
        NativeStubFolder.delete();
        // Exit 0 after a clean unmount on SIGINT/SIGTERM, as a service manager expects.
        Runtime.getRuntime().halt(ExitCodes.OK);
    }

    /**
     * Writes this process's pid to {@code --pid-file}, if given, and to the state folder's pid file
     * for {@code target}, which {@code unmount} reads. Both are written before mounting, so a
     * service manager that reads the pid file once the background launch returns finds it.
     */
    private void writePidFiles(Path target) {
        if (pidFile != null) {
            try {
                DaemonPidFile.writeCurrent(pidFile);
                writtenPidFiles.add(pidFile);
            } catch (IOException e) {
                throw new UserException("cannot write --pid-file " + pidFile + " (" + e + "); pass a path in a writable folder", e);
            }
        }
        Path stateFile = DaemonPidFile.of(StateDirs.resolve(stateDir), target);
        try {
            DaemonPidFile.writeCurrent(stateFile);
            writtenPidFiles.add(stateFile);
        } catch (IOException e) {
            // The mount works without it; only 'unmount' cannot wait for this daemon to exit.
            LoggerFactory.getLogger(MountCommand.class).warn("Could not write the pid file {} ({}); pass a writable --state-dir"
                    + " so 'xormount unmount' can wait for this daemon", stateFile, e.toString());
        }
    }

    /**
     * Deletes the pid files this process wrote, unless another daemon has written its own pid
     * there since: a daemon that lingers after a lazy unmount must not remove its successor's.
     */
    private void deletePidFiles() {
        for (Path file : writtenPidFiles) {
            try {
                if (DaemonPidFile.isOwnedByCurrent(file)) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                LoggerFactory.getLogger(MountCommand.class).warn("Could not delete pid file {}: {}", file, e.toString());
            }
        }
    }

    private static void closeAll(List<Model> models) {
        for (Model model : models) {
            try {
                model.close();
            } catch (IOException e) {
                LoggerFactory.getLogger(MountCommand.class).warn("Closing the sources of {} failed: {}", model.name(), e.toString());
            }
        }
    }
}
