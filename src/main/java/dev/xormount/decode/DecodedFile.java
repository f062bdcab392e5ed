package dev.xormount.decode;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * One file of a fine-tune, decoded on demand from its payload and base files.
 *
 * <p>Decode rule, byte for byte as the publishers' {@code xor_codec.py} writes it: the decoded
 * file has exactly the payload's length; byte {@code i} is {@code payload[i] ^ base[i]} while the
 * base has byte {@code i}, and {@code payload[i]} after the base ends. A plain file (for example
 * {@code added_tokens.json}) is the payload's bytes unchanged. Because every byte depends only on
 * the two bytes at the same offset, any range decodes on its own.
 *
 * <p>Both sources stay open for the lifetime of this object and are read with positional reads,
 * so one instance is safe for any number of concurrent readers. If a source is replaced on disk
 * (a new file renamed over it), reads keep using the file that was opened. If a source is
 * truncated in place, the read that meets the missing bytes fails with an {@link IOException}
 * instead of returning short or padded data.
 *
 * <p>NOTE: a source rewritten in place with the same length is not detected here, because no
 * read checks the bytes; the mount's audit checks each file once, when the mount starts.
 *
 * <p>Source pages are dropped from the kernel page cache in 2 MiB chunks once read (see
 * {@link SourcePageCache}), so the page cache contains the decoded bytes once, not three copies.
 */
public final class DecodedFile implements Closeable {
    /**
     * Direct buffers for base bytes, shared by all threads. A pool instead of a ThreadLocal because
     * jffi attaches each libfuse worker to the JVM as a new Java thread for every callback, so a
     * per-thread buffer would be allocated (and zeroed) on every FUSE read.
     */
    private static final ScratchPool BASE_SCRATCH = new ScratchPool();

    private final String name;
    private final SourceFile payload;
    private final SourceFile base;
    private final FileChannel payloadChannel;
    private final FileChannel baseChannel;
    private final SourcePageCache payloadPages;
    private final SourcePageCache basePages;

    /**
     * Opens both sources for reading.
     *
     * @param name path of the decoded file relative to its model folder, with '/' separators
     * @param payload the payload file
     * @param base the base file, or null for a plain file that is served as the payload's bytes
     */
    public DecodedFile(String name, SourceFile payload, SourceFile base) throws IOException {
        this.name = Objects.requireNonNull(name);
        this.payload = Objects.requireNonNull(payload);
        this.base = base;
        this.payloadChannel = FileChannel.open(payload.realPath(), StandardOpenOption.READ);
        FileChannel opened = null;
        try {
            if (base != null) {
                opened = FileChannel.open(base.realPath(), StandardOpenOption.READ);
            }
        } catch (IOException e) {
            payloadChannel.close();
            throw e;
        }
        this.baseChannel = opened;
        this.payloadPages = SourcePageCache.open(payload.realPath(), payload.size());
        this.basePages = base == null ? null : SourcePageCache.open(base.realPath(), base.size());
    }

    /**
     * Makes every file opened after this call drop its sources' pages from the kernel page cache
     * once they are decoded. The mount turns it on; {@code decode} leaves it off so that it loads
     * no native library.
     */
    public static void dropSourcePagesAfterReads() {
        SourcePageCache.enable();
    }

    public String name() {
        return name;
    }

    /** Returns the decoded length in bytes, which is always the payload's length. */
    public long size() {
        return payload.size();
    }

    public SourceFile payload() {
        return payload;
    }

    /** Returns the base file, or null for a plain file. */
    public SourceFile base() {
        return base;
    }

    public boolean isPlain() {
        return base == null;
    }

    /**
     * Decodes the bytes at {@code [position, position + target.remaining())} into {@code target},
     * advancing its position to its limit.
     *
     * @throws IllegalArgumentException if the range reaches past {@link #size()}
     * @throws IOException if a source cannot be read, or has fewer bytes than it had at mount
     */
    public void read(long position, ByteBuffer target) throws IOException {
        int length = target.remaining();
        if (position < 0 || position > size() - length) {
            throw new IllegalArgumentException("range " + position + "+" + length + " outside " + name + " (size " + size() + ")");
        }
        int start = target.position();
        readFully(payloadChannel, payload, position, target);
        payloadPages.readDone(position, length);
        if (base == null || position >= base.size()) {
            return;
        }
        int overlap = (int) Math.min(length, base.size() - position);
        ByteBuffer scratch = BASE_SCRATCH.take(overlap);
        try {
            readFully(baseChannel, base, position, scratch);
            basePages.readDone(position, overlap);
            Xor.xorInto(target, start, scratch, 0, overlap);
        } finally {
            BASE_SCRATCH.give(scratch);
        }
    }

    private static void readFully(FileChannel channel, SourceFile source, long position, ByteBuffer target) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new IOException(source.path() + " ended at byte " + at + " but had " + source.size()
                        + " bytes when mounted; the file changed on disk, remount after it is complete");
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        payloadPages.close();
        if (basePages != null) {
            basePages.close();
        }
        try {
            payloadChannel.close();
        } finally {
            if (baseChannel != null) {
                baseChannel.close();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
