package dev.xormount.cli;

import java.nio.file.Path;

/** Locates the folder where xormount keeps logs and saved state. */
final class StateDirs {
    private StateDirs() {}

    /**
     * Returns {@code explicit} if given, else {@code $XDG_CACHE_HOME/xormount}, else
     * {@code ~/.cache/xormount} (the XDG base directory default).
     */
    static Path resolve(Path explicit) {
        if (explicit != null) {
            return explicit.toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "xormount");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "xormount");
    }
}
