package dev.xormount.model;

import dev.xormount.decode.DecodedFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * One decoded model: the files of one payload folder, ready to be read.
 *
 * @param name folder name of the model in the mount
 * @param payloadDir the payload folder the files come from, after descending into a nested folder
 * @param baseDir the base folder
 * @param files decoded files by path relative to the model folder ('/' separators), sorted
 * @param directories sub-folders that hold decoded files, relative to the model folder
 * @param skipped files of the payload that are not served, with the reason for each
 */
public record Model(String name, Path payloadDir, Path baseDir, SortedMap<String, DecodedFile> files,
                    SortedSet<String> directories, Map<String, String> skipped) implements Closeable {

    public List<DecodedFile> fileList() {
        return List.copyOf(files.values());
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (DecodedFile file : files.values()) {
            try {
                file.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
