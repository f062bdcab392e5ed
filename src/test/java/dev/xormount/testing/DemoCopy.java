package dev.xormount.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A writable copy of the demo base and payload in a temporary folder, with the ways real
 * downloads go wrong applied to single files. The committed demo files are never changed.
 */
public final class DemoCopy {
    private final Path base;
    private final Path payload;
    private final Path decoded;

    private DemoCopy(Path base, Path payload, Path decoded) {
        this.base = base;
        this.payload = payload;
        this.decoded = decoded;
    }

    /** Copies the demo base, payload and decoded fine-tune under {@code folder}. */
    public static DemoCopy create(Path folder) throws IOException {
        DemoCopy copy = new DemoCopy(folder.resolve("tiny-llama-hf"), folder.resolve("tiny-llama-sft-xor"),
                folder.resolve("tiny-llama-sft"));
        Trees.copyFolder(Repo.demoBase(), copy.base);
        Trees.copyFolder(Repo.demoPayload(), copy.payload);
        Trees.copyFolder(Repo.demoFinetuned(), copy.decoded);
        return copy;
    }

    public Path base() {
        return base;
    }

    public Path payload() {
        return payload;
    }

    /** Returns the copy of the demo fine-tune's original (decoded) files. */
    public Path decoded() {
        return decoded;
    }

    /** Flips every bit of the byte at {@code offset} of {@code file}. */
    public static void corruptByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0xff);
        }
    }

    /** Rewrites {@code file} with CRLF line endings, as Git on Windows does with autocrlf. */
    public static void toCrlf(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!text.contains("\n")) {
            throw new IllegalStateException(file + " has no line breaks, so CRLF would not change it");
        }
        Files.writeString(file, text.replace("\r\n", "\n").replace("\n", "\r\n"), StandardCharsets.UTF_8);
    }

    /** Cuts {@code file} to {@code size} bytes, as an interrupted download leaves it. */
    public static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    /** Replaces {@code file} with a Git LFS pointer to its content, as a clone without 'git lfs pull' leaves it. */
    public static void toLfsPointer(Path file) throws IOException {
        long size = Files.size(file);
        String pointer = "version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:4f0e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80\n"
                + "size " + size + "\n";
        Files.writeString(file, pointer, StandardCharsets.US_ASCII);
    }
}
