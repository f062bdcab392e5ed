package dev.xormount.fuse;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.UserException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuseSupportTest {
    @TempDir
    Path temp;

    @Test
    void check_missingDevice_namesPackages() {
        UserException error = assertThrows(UserException.class, () -> FuseSupport.check(temp.resolve("fuse"), true));
        assertTrue(error.getMessage().contains(temp.resolve("fuse") + " is missing"), error.getMessage());
        assertTrue(error.getMessage().contains("apt-get install fuse3 libfuse2"), error.getMessage());
    }

    @Test
    void libraryMissing_namesLibfuse2() {
        UserException error = FuseSupport.libraryMissing(new UnsatisfiedLinkError("libfuse.so.2: cannot open shared object file"));
        assertTrue(error.getMessage().contains("apt-get install libfuse2"), error.getMessage());
    }
}
