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
        // $HOME, not the passwd entry Java reports as user.home: a service user's passwd home may
        // not exist (nobody's is /nonexistent) while its environment names a usable one.
        String home = System.getenv("HOME");
        if (home == null || home.isBlank() || !Path.of(home).isAbsolute()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".cache", "xormount");
    }
}
