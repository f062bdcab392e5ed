package dev.xormount.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;

/**
 * One regular file on disk that a decoded file is read from, as it was when the mount scanned it.
 *
 * @param path the path as the user's folder names it (possibly a symlink), used in messages
 * @param realPath the regular file behind {@code path}, with every symlink resolved
 * @param size length in bytes
 * @param inode inode number, or -1 when the file system does not report one
 * @param modified last-modified time
 * @param mode permission bits (lowest 9 bits of {@code st_mode})
 * @param uid owner
 * @param gid group
 */
public record SourceFile(Path path, Path realPath, long size, long inode, FileTime modified, int mode, int uid, int gid) {

    /** Reads the attributes of the regular file behind {@code path}, following symlinks. */
    public static SourceFile inspect(Path path) throws IOException {
        Path real = path.toRealPath();
        Map<String, Object> unix = Files.readAttributes(real, "unix:ino,mode,uid,gid,size,lastModifiedTime");
        return new SourceFile(path, real,
                ((Number) unix.get("size")).longValue(),
                ((Number) unix.get("ino")).longValue(),
                (FileTime) unix.get("lastModifiedTime"),
                ((Integer) unix.get("mode")) & 0777,
                (Integer) unix.get("uid"),
                (Integer) unix.get("gid"));
    }

    /** Returns true if {@code path} still names this exact file: same inode, size and mtime. */
    public boolean isUnchanged() {
        try {
            PosixFileAttributes now = Files.readAttributes(realPath, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Object ino = Files.getAttribute(realPath, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return now.size() == size && now.lastModifiedTime().equals(modified) && ((Number) ino).longValue() == inode;
        } catch (IOException e) {
            return false;
        }
    }
}
