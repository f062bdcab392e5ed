package dev.xormount.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xormount.checksum.Manifest;
import dev.xormount.model.Model;
import dev.xormount.model.ModelScanner;
import dev.xormount.model.PlainRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: decoding the payload that encode makes from a fine-tune and a base gives back the
 * fine-tune byte for byte, and the payload matches a plain reference XOR. Trees are random per
 * seed and mix files longer, shorter and as long as their base, empty files, empty base files,
 * nested folders and plain files, with sizes around the 4 KiB chunk used here.
 */
class RoundTripPropertyTest {
    private static final int CHUNK = 4096;
    private static final List<String> FOLDERS = List.of("", "a/", "a/b/", "c/");
    private static final PlainRules RULES = new PlainRules(List.of("*.txt"));

    @TempDir
    Path temp;

    static Stream<Integer> seeds() {
        return IntStream.range(0, 40).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void decodeOfEncode_returnsFinetune(int seed) throws IOException {
        Random random = new Random(seed);
        Path base = temp.resolve("base");
        Path finetuned = temp.resolve("finetuned");
        SortedMap<String, byte[]> finetunedFiles = new TreeMap<>();
        SortedMap<String, byte[]> baseFiles = new TreeMap<>();
        generateTree(random, seed, finetunedFiles, baseFiles);
        write(base, baseFiles);
        write(finetuned, finetunedFiles);

        Path payload = temp.resolve("payload");
        new Encoder(CHUNK, RULES, false, false, Progress.NONE).encode(base, finetuned, payload);
        for (var entry : finetunedFiles.entrySet()) {
            byte[] expected = RULES.isPlain(entry.getKey()) ? entry.getValue() : referenceXor(entry.getValue(), baseFiles.get(entry.getKey()));
            assertArrayEquals(expected, Files.readAllBytes(payload.resolve(entry.getKey())), "payload of " + entry.getKey());
        }

        Path out = temp.resolve("out");
        Manifest manifest = Manifest.read(payload.resolve("checksums-decoded.md5"));
        try (Model model = new ModelScanner(RULES, false).scan("m", base, payload)) {
            assertEquals(finetunedFiles.keySet(), model.files().keySet(), "files the scanner finds in the payload");
            new Decoder(CHUNK, false, Progress.NONE).decode(model, out, manifest);
        }
        for (var entry : finetunedFiles.entrySet()) {
            assertArrayEquals(entry.getValue(), Files.readAllBytes(out.resolve(entry.getKey())), "decoded " + entry.getKey());
        }
        assertEquals(finetunedFiles.keySet(), listVisible(out).keySet(), "files in the output folder");
    }

    /** Fills both maps with a random tree; base files exist for every non-plain fine-tune file plus a few extras. */
    private static void generateTree(Random random, int seed, SortedMap<String, byte[]> finetuned, SortedMap<String, byte[]> base) {
        // Every fifth seed puts all files in one sub-folder, so the payload root contains a single folder plus the manifests.
        boolean oneFolder = seed % 5 == 0;
        int count = 1 + random.nextInt(10);
        for (int i = 0; i < count; i++) {
            String folder = oneFolder ? "a/" : FOLDERS.get(random.nextInt(FOLDERS.size()));
            int kind = random.nextInt(8);
            if (kind == 0) {
                finetuned.put(folder + "added_tokens.json", bytes(random, randomSize(random)));
                continue;
            }
            if (kind == 1) {
                finetuned.put(folder + "notes" + i + ".txt", bytes(random, randomSize(random)));
                continue;
            }
            String name = folder + "f" + i + ".bin";
            int size = randomSize(random);
            finetuned.put(name, bytes(random, size));
            int baseSize = switch (kind) {
                case 2 -> 0;
                case 3 -> size + 1 + random.nextInt(2 * CHUNK);
                case 4 -> size == 0 ? 0 : random.nextInt(size);
                case 5 -> size;
                default -> randomSize(random);
            };
            base.put(name, bytes(random, baseSize));
        }
        base.put("only-in-base.bin", bytes(random, randomSize(random)));
    }

    /** Returns 0, a small size, or a size within one byte of a chunk multiple. */
    private static int randomSize(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(100);
            case 2 -> CHUNK * (1 + random.nextInt(4)) + random.nextInt(3) - 1;
            default -> random.nextInt(5 * CHUNK);
        };
    }

    private static byte[] bytes(Random random, int size) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        return data;
    }

    /** Applies the decode rule as plainly as possible: the result has the length of {@code data}. */
    private static byte[] referenceXor(byte[] data, byte[] base) {
        byte[] result = data.clone();
        for (int i = 0; i < Math.min(data.length, base.length); i++) {
            result[i] = (byte) (data[i] ^ base[i]);
        }
        return result;
    }

    private static void write(Path root, SortedMap<String, byte[]> files) throws IOException {
        Files.createDirectories(root);
        for (var entry : files.entrySet()) {
            Path file = root.resolve(entry.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, entry.getValue());
        }
    }

    private static SortedMap<String, Path> listVisible(Path root) throws IOException {
        return ModelScanner.listFiles(root, new java.util.TreeSet<>(), new java.util.LinkedHashMap<>());
    }
}
