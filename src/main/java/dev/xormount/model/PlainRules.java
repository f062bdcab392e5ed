package dev.xormount.model;

import dev.xormount.UserException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Rules for the payload files a publisher stores plain (copied, not XORed).
 *
 * <p>The publishers' script always stores {@code added_tokens.json} plain; some publishers (for
 * example PygmalionAI) store every {@code *.json} plain. The bytes do not reveal it, so it is
 * configuration. A glob without '/' matches a file name in any folder; a glob with '/' matches
 * the path relative to the model folder.
 */
public final class PlainRules {
    public static final String ALWAYS_PLAIN = "added_tokens.json";

    private final List<String> globs;
    private final List<PathMatcher> matchers = new ArrayList<>();

    /**
     * Creates rules for {@value #ALWAYS_PLAIN} plus {@code extraGlobs}.
     *
     * @throws UserException if a glob is blank or invalid
     */
    public PlainRules(List<String> extraGlobs) {
        List<String> all = new ArrayList<>();
        all.add(ALWAYS_PLAIN);
        all.addAll(extraGlobs);
        this.globs = List.copyOf(all);
        for (String glob : extraGlobs) {
            checkGlob(glob);
        }
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
    }

    /**
     * Checks that {@code glob} is a valid glob for {@code --plain}.
     *
     * @throws UserException naming the glob
     */
    public static void checkGlob(String glob) {
        if (glob.isBlank()) {
            throw new UserException("invalid --plain '" + glob + "': pass a file name or glob such as '*.json'");
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new UserException("invalid --plain '" + glob + "' (" + e.getMessage().lines().findFirst().orElse("")
                    + "); pass a file name or glob such as '*.json'", e);
        }
    }

    public static PlainRules defaults() {
        return new PlainRules(List.of());
    }

    public List<String> globs() {
        return globs;
    }

    /** Returns true if the file at {@code relativePath} ('/' separators) is stored plain. */
    public boolean isPlain(String relativePath) {
        Path relative = Path.of(relativePath);
        for (int i = 0; i < globs.size(); i++) {
            Path subject = globs.get(i).contains("/") ? relative : relative.getFileName();
            if (matchers.get(i).matches(subject)) {
                return true;
            }
        }
        return false;
    }
}
