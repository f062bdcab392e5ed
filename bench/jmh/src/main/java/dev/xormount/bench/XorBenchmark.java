package dev.xormount.bench;

import dev.xormount.decode.Xor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link Xor#xorInto} on one thread, in bytes per second: every benchmark declares
 * one operation per byte, so the score in ops/s is bytes/s (divide by 1e9 for GB/s).
 *
 * <p>128 KiB is the size of a FUSE read request under libfuse 2.9 and 1 MiB the default block
 * size; both fit in L2 or L3 caches, so the score is the kernel's speed, not DRAM bandwidth.
 * {@code bytewise} is a one-byte-at-a-time loop over the same buffers, for scale.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class XorBenchmark {
    private static final int REQUEST = 128 << 10;
    private static final int BLOCK = 1 << 20;

    private ByteBuffer target;
    private ByteBuffer source;

    @Setup
    public void fill() {
        Random random = new Random(42);
        byte[] bytes = new byte[BLOCK];
        target = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.nativeOrder());
        source = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.nativeOrder());
        random.nextBytes(bytes);
        target.put(0, bytes);
        random.nextBytes(bytes);
        source.put(0, bytes);
    }

    @Benchmark
    @OperationsPerInvocation(REQUEST)
    public ByteBuffer xorInto128KiB() {
        Xor.xorInto(target, 0, source, 0, REQUEST);
        return target;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public ByteBuffer xorInto1MiB() {
        Xor.xorInto(target, 0, source, 0, BLOCK);
        return target;
    }

    @Benchmark
    @OperationsPerInvocation(REQUEST)
    public ByteBuffer bytewise128KiB() {
        for (int i = 0; i < REQUEST; i++) {
            target.put(i, (byte) (target.get(i) ^ source.get(i)));
        }
        return target;
    }
}
