package dev.xormount.fuse;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.ReadOnlyFileSystemException;
import ru.serce.jnrfuse.ErrorCodes;

/** Maps failures to the negative errno values FUSE callbacks return. */
final class Errno {
    static final int ENOENT = -ErrorCodes.ENOENT();
    static final int EROFS = -ErrorCodes.EROFS();
    static final int EIO = -ErrorCodes.EIO();
    static final int EISDIR = -ErrorCodes.EISDIR();
    static final int ENOTDIR = -ErrorCodes.ENOTDIR();
    static final int EACCES = -ErrorCodes.EACCES();

    private Errno() {}

    /** Returns the errno for {@code failure}: the expected cases explicitly, EIO for the rest. */
    static int of(Throwable failure) {
        if (failure instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (failure instanceof AccessDeniedException) {
            return EACCES;
        }
        if (failure instanceof ReadOnlyFileSystemException) {
            return EROFS;
        }
        return EIO;
    }
}
