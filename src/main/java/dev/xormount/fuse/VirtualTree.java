package dev.xormount.fuse;

import dev.xormount.decode.DecodedFile;
import dev.xormount.model.Model;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The immutable directory tree a mount shows: one folder per model at the root, the model's
 * decoded files below it, and optional hidden files at the root (such as the status file).
 *
 * <p>Paths are as FUSE passes them: absolute, '/' separated, no trailing slash ("/" is the root).
 */
public final class VirtualTree {
    /** A directory, with its children's names in sorted order. */
    public record Directory(String path, List<String> children) implements Node {}

    /** A decoded model file. */
    public record File(String path, Model model, DecodedFile file) implements Node {}

    /** A small file whose content is produced on each open, such as the status file. */
    public record Generated(String path, ContentSource source) implements Node {}

    /** One entry of the tree. */
    public sealed interface Node permits Directory, File, Generated {
        String path();
    }

    /** Produces the current content of a {@link Generated} file. */
    @FunctionalInterface
    public interface ContentSource {
        byte[] render();
    }

    private final Map<String, Node> nodes;

    /**
     * @param models the models, whose names must be distinct
     * @param generated hidden files at the root, by name (each should start with '.')
     */
    public VirtualTree(List<Model> models, Map<String, ContentSource> generated) {
        Map<String, SortedSet<String>> children = new HashMap<>();
        Map<String, Node> all = new HashMap<>();
        children.put("/", new TreeSet<>());
        for (Model model : models) {
            String root = "/" + model.name();
            children.get("/").add(model.name());
            children.put(root, new TreeSet<>());
            for (String dir : model.directories()) {
                children.put(root + "/" + dir, new TreeSet<>());
            }
            for (String dir : model.directories()) {
                addChild(children, root + "/" + dir);
            }
            for (Map.Entry<String, DecodedFile> entry : model.files().entrySet()) {
                String path = root + "/" + entry.getKey();
                addChild(children, path);
                all.put(path, new File(path, model, entry.getValue()));
            }
        }
        for (Map.Entry<String, ContentSource> entry : generated.entrySet()) {
            String path = "/" + entry.getKey();
            children.get("/").add(entry.getKey());
            all.put(path, new Generated(path, entry.getValue()));
        }
        for (Map.Entry<String, SortedSet<String>> dir : children.entrySet()) {
            all.put(dir.getKey(), new Directory(dir.getKey(), List.copyOf(new ArrayList<>(dir.getValue()))));
        }
        this.nodes = Collections.unmodifiableMap(all);
    }

    /** Returns the node at {@code path}, or null if there is none. */
    public Node lookup(String path) {
        return nodes.get(path);
    }

    /** Returns every decoded file in the tree. */
    public List<File> files() {
        return nodes.values().stream().filter(File.class::isInstance).map(File.class::cast).toList();
    }

    private static void addChild(Map<String, SortedSet<String>> children, String path) {
        int slash = path.lastIndexOf('/');
        String parent = slash == 0 ? "/" : path.substring(0, slash);
        children.get(parent).add(path.substring(slash + 1));
    }
}
