package dev.xormount.cli;

import dev.xormount.codec.Encoder;
import dev.xormount.model.PlainRules;
import dev.xormount.model.PublishedManifests;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xormount encode}: makes an XOR payload from a fine-tune and its base, for publishers. */
@Command(name = "encode",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Writes to OUT_DIR the XOR payload of a fine-tuned model against its base, by the rules decode and mount undo.",
            "Plain files (added_tokens.json and --plain globs) are copied; every other file is XORed with the base file of the same name.",
            "Also writes the manifests to publish with the payload: " + PublishedManifests.DECODED_MD5 + ", "
                    + PublishedManifests.BASE_MD5 + " and " + PublishedManifests.PAYLOAD_SHA256 + "."
        })
public final class EncodeCommand extends CodecCommand {
    @Option(names = "--base", required = true, paramLabel = "DIR",
            description = "Folder of the base model in Hugging Face layout, as users will have it.")
    Path base;

    @Option(names = "--finetuned", required = true, paramLabel = "DIR",
            description = "Folder of the fine-tuned model to publish.")
    Path finetuned;

    @Parameters(index = "0", paramLabel = "OUT_DIR",
            description = "Folder for the payload, outside the base and fine-tune folders; created if missing.")
    Path outDir;

    @Override
    public Integer call() throws Exception {
        int chunkSize = codec.checkedChunkSize();
        PlainRules plainRules = new PlainRules(codec.plainGlobs);
        Encoder encoder = new Encoder(chunkSize, plainRules, codec.skipMissing, codec.force, progress());
        Encoder.Result result = encoder.encode(base, finetuned, outDir);
        PrintWriter out = out();
        out.println("Encoded " + filesInto(result.files(), result.plain() + " plain, ", result.bytesWritten(), outDir)
                + (result.leftOut().isEmpty() ? "" : "; left out " + String.join(", ", result.leftOut())));
        if (!plainRules.globs().equals(PlainRules.defaults().globs())) {
            out.println("Users must decode and mount it with the same plain files: "
                    + String.join(" ", plainRules.globs().subList(1, plainRules.globs().size()).stream().map(g -> "--plain '" + g + "'").toList()));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
