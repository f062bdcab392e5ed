package dev.xormount.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths inside the repository checkout that tests use: the launcher and the demo model. */
public final class Repo {
    private Repo() {}

    /** Returns the repository root: the {@code xormount.repo} property, or the working folder. */
    public static Path root() {
        String configured = System.getProperty("xormount.repo");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalStateException("repository root not found at " + root + "; run the tests with Maven from the checkout");
        }
        return root;
    }

    public static Path launcher() {
        return root().resolve("bin/xormount");
    }

    /** Returns the bundled base model folder (Hugging Face layout). */
    public static Path demoBase() {
        return root().resolve("demo/tiny-llama-hf");
    }

    /** Returns the bundled XOR payload folder of the demo fine-tune. */
    public static Path demoPayload() {
        return root().resolve("demo/tiny-llama-sft-xor");
    }

    /** Returns the folder of the demo fine-tune's original files, which a correct decode reproduces. */
    public static Path demoFinetuned() {
        return root().resolve("demo/tiny-llama-sft");
    }

    /** Returns the md5 manifest of the decoded demo fine-tune. */
    public static Path demoManifest() {
        return root().resolve("checksums/tiny-llama-sft.md5");
    }
}
