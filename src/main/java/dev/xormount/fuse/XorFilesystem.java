package dev.xormount.fuse;

import com.kenai.jffi.MemoryIO;
import dev.xormount.cache.BlockReader;
import dev.xormount.decode.DecodedFile;
import dev.xormount.decode.SourceFile;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The FUSE adapter: translates FUSE callbacks into lookups in a {@link VirtualTree} and reads
 * through a {@link BlockReader}, and nothing else.
 *
 * <p>Every callback catches every exception and returns a negative errno: ENOENT for unknown
 * paths, EISDIR/ENOTDIR for the wrong kind of node, EROFS for any attempt to change the tree,
 * EIO for a file the {@link ReadGuard} refuses or a source that fails. A failure is logged once
 * per file, not once per read.
 */
public final class XorFilesystem extends FuseStubFS {
    private static final Logger log = LoggerFactory.getLogger(XorFilesystem.class);

    private static final int O_ACCMODE = 03;
    private static final int O_RDONLY = 0;
    private static final int O_TRUNC = 01000;
    /** Bits of the {@code fuse_file_info} bit field word (libfuse 2.9, x86-64 and aarch64 GCC layout). */
    private static final int FI_DIRECT_IO = 1;
    private static final int FI_KEEP_CACHE = 1 << 1;
    /** Exit code after an out-of-memory error, the same as the JVM's -XX:+ExitOnOutOfMemoryError. */
    private static final int OUT_OF_MEMORY_EXIT = 3;

    private final VirtualTree tree;
    private final BlockReader reader;
    private final ReadGuard guard;
    private final int ownerUid;
    private final int ownerGid;
    private final long createdMillis = System.currentTimeMillis();
    private final CompletableFuture<Void> initialized = new CompletableFuture<>();
    private final Set<String> reportedFailures = ConcurrentHashMap.newKeySet();
    private final LongAdder bytesServed = new LongAdder();

    public XorFilesystem(VirtualTree tree, BlockReader reader, ReadGuard guard) {
        this.tree = tree;
        this.reader = reader;
        this.guard = guard;
        var posix = POSIXFactory.getJavaPOSIX();
        this.ownerUid = posix.getuid();
        this.ownerGid = posix.getgid();
    }

    /** Completes when the kernel has sent FUSE_INIT, that is when the mount serves requests. */
    public CompletableFuture<Void> initialized() {
        return initialized;
    }

    public long bytesServed() {
        return bytesServed.sum();
    }

    public VirtualTree tree() {
        return tree;
    }

    @Override
    protected String getFSName() {
        return "xormount";
    }

    @Override
    public Pointer init(Pointer conn) {
        initialized.complete(null);
        return null;
    }

    @Override
    public int getattr(String path, FileStat stat) {
        try {
            VirtualTree.Node node = tree.lookup(path);
            if (node == null) {
                return Errno.ENOENT;
            }
            if (node instanceof VirtualTree.Directory) {
                stat.st_mode.set(FileStat.S_IFDIR | 0555);
                stat.st_nlink.set(2);
                stat.st_uid.set(ownerUid);
                stat.st_gid.set(ownerGid);
                setTime(stat.st_mtim, createdMillis);
                setTime(stat.st_ctim, createdMillis);
                setTime(stat.st_atim, createdMillis);
            } else if (node instanceof VirtualTree.File file) {
                fillFileStat(file.file(), stat);
            } else if (node instanceof VirtualTree.Generated generated) {
                stat.st_mode.set(FileStat.S_IFREG | 0444);
                stat.st_nlink.set(1);
                stat.st_size.set(generated.source().render().length);
                stat.st_uid.set(ownerUid);
                stat.st_gid.set(ownerGid);
            }
            return 0;
        } catch (RuntimeException e) {
            return fail(path, e);
        }
    }

    /** Sets owner, group and read bits so that only users who may read both sources can read the file. */
    private static void fillFileStat(DecodedFile file, FileStat stat) {
        SourceFile payload = file.payload();
        SourcePermissions permissions = SourcePermissions.of(payload, file.base());
        stat.st_mode.set(FileStat.S_IFREG | permissions.mode());
        stat.st_nlink.set(1);
        stat.st_size.set(file.size());
        stat.st_blocks.set((file.size() + 511) / 512);
        stat.st_uid.set(permissions.uid());
        stat.st_gid.set(permissions.gid());
        setTime(stat.st_mtim, payload.modified().toMillis());
        setTime(stat.st_ctim, payload.modified().toMillis());
        setTime(stat.st_atim, payload.modified().toMillis());
    }

    private static void setTime(Timespec time, long millis) {
        time.tv_sec.set(Math.floorDiv(millis, 1000));
        time.tv_nsec.set(Math.floorMod(millis, 1000) * 1_000_000L);
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        try {
            VirtualTree.Node node = tree.lookup(path);
            if (node == null) {
                return Errno.ENOENT;
            }
            if (!(node instanceof VirtualTree.Directory dir)) {
                return Errno.ENOTDIR;
            }
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            for (String child : dir.children()) {
                if (filler.apply(buf, child, null, 0) != 0) {
                    break;
                }
            }
            return 0;
        } catch (RuntimeException e) {
            return fail(path, e);
        }
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        try {
            VirtualTree.Node node = tree.lookup(path);
            if (node == null) {
                return Errno.ENOENT;
            }
            if (node instanceof VirtualTree.Directory) {
                return Errno.EISDIR;
            }
            int flags = fi.flags.intValue();
            if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0) {
                return Errno.EROFS;
            }
            if (node instanceof VirtualTree.Generated) {
                // Generated content changes between opens, so the kernel must not cache it.
                setOpenBits(fi, FI_DIRECT_IO);
                return 0;
            }
            DecodedFile file = ((VirtualTree.File) node).file();
            String refusal = guard.refusal(file);
            if (refusal != null) {
                reportOnce(path, refusal);
                return Errno.EIO;
            }
            // Decoded files never change while mounted, so pages cached by an earlier open stay valid.
            setOpenBits(fi, FI_KEEP_CACHE);
            return 0;
        } catch (RuntimeException e) {
            return fail(path, e);
        }
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        try {
            VirtualTree.Node node = tree.lookup(path);
            if (node == null) {
                return Errno.ENOENT;
            }
            if (node instanceof VirtualTree.Directory) {
                return Errno.EISDIR;
            }
            // FUSE requests are at most max_read bytes (128 KiB by default), so size fits in an int.
            ByteBuffer target = MemoryIO.getInstance().newDirectByteBuffer(buf.address(), (int) size);
            if (node instanceof VirtualTree.Generated generated) {
                return copyGenerated(generated.source().render(), offset, target);
            }
            DecodedFile file = ((VirtualTree.File) node).file();
            String refusal = guard.refusal(file);
            if (refusal != null) {
                reportOnce(path, refusal);
                return Errno.EIO;
            }
            int n = reader.read(file, offset, target);
            bytesServed.add(n);
            return n;
        } catch (Exception e) {
            return fail(path, e);
        } catch (OutOfMemoryError e) {
            return exitOutOfMemory(path, e);
        }
    }

    /**
     * Ends the process on an out-of-memory error in a read. An error escaping a callback makes
     * jnr-fuse return 0 bytes for the read, which the reader takes for the end of the file. Direct
     * buffer exhaustion is thrown by Java code, so -XX:+ExitOnOutOfMemoryError does not cover it.
     * Exiting drops the FUSE connection, so readers get an error instead of short files, and
     * auto_unmount or the next mount removes the dead mount.
     */
    private static int exitOutOfMemory(String path, OutOfMemoryError error) {
        try {
            log.error("Out of memory while reading {} ({}); exiting so that no reader sees a truncated file."
                    + " Lower --cache-size or raise -XX:MaxDirectMemorySize in XORMOUNT_JAVA_OPTS", path, error.getMessage());
        } finally {
            Runtime.getRuntime().halt(OUT_OF_MEMORY_EXIT);
        }
        return Errno.EIO;
    }

    private static int copyGenerated(byte[] content, long offset, ByteBuffer target) {
        if (offset >= content.length) {
            return 0;
        }
        int n = (int) Math.min(target.remaining(), content.length - offset);
        target.put(content, (int) offset, n);
        return n;
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        try {
            long total = 0;
            for (VirtualTree.File file : tree.files()) {
                total += file.file().size();
            }
            stbuf.f_bsize.set(4096);
            stbuf.f_frsize.set(4096);
            stbuf.f_blocks.set((total + 4095) / 4096);
            stbuf.f_bfree.set(0);
            stbuf.f_bavail.set(0);
            stbuf.f_files.set(tree.files().size());
            stbuf.f_ffree.set(0);
            stbuf.f_namemax.set(255);
            stbuf.f_flag.set(Statvfs.ST_RDONLY);
            return 0;
        } catch (RuntimeException e) {
            return fail(path, e);
        }
    }

    // Every call that would change the tree fails with EROFS; with the "ro" mount option the kernel
    // rejects most of them before they reach us.

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return Errno.EROFS;
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        return Errno.EROFS;
    }

    @Override
    public int truncate(String path, long size) {
        return Errno.EROFS;
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        return Errno.EROFS;
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return Errno.EROFS;
    }

    @Override
    public int unlink(String path) {
        return Errno.EROFS;
    }

    @Override
    public int mkdir(String path, long mode) {
        return Errno.EROFS;
    }

    @Override
    public int rmdir(String path) {
        return Errno.EROFS;
    }

    @Override
    public int mknod(String path, long mode, long rdev) {
        return Errno.EROFS;
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return Errno.EROFS;
    }

    @Override
    public int link(String oldpath, String newpath) {
        return Errno.EROFS;
    }

    @Override
    public int chmod(String path, long mode) {
        return Errno.EROFS;
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return Errno.EROFS;
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return Errno.EROFS;
    }

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return Errno.EROFS;
    }

    @Override
    public int removexattr(String path, String name) {
        return Errno.EROFS;
    }

    @Override
    public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
        return Errno.EROFS;
    }

    private static void setOpenBits(FuseFileInfo fi, int bits) {
        // jnr-fuse declares the bit field as padding and omits the "writepage" int before it, so
        // address the 32-bit word that sits just before "fh" directly.
        Pointer memory = Struct.getMemory(fi);
        long offset = fi.fh.offset() - 4;
        memory.putInt(offset, memory.getInt(offset) | bits);
    }

    private int fail(String path, Throwable failure) {
        int errno = Errno.of(failure);
        if (reportedFailures.add(path + ": " + failure.getClass().getName())) {
            log.warn("Request for {} failed, returning errno {}: {}", path, -errno, failure.toString());
            log.debug("Stack trace of the failure on {}", path, failure);
        }
        return errno;
    }

    private void reportOnce(String path, String refusal) {
        if (reportedFailures.add(path + ": refused")) {
            log.error("Refusing reads of {}: {}", path, refusal);
        }
    }
}
