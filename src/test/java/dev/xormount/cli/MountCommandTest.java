package dev.xormount.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xormount.testing.Repo;
import dev.xormount.testing.Trees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code xormount mount}: each gets one line on stderr and a non-zero exit, and nothing is mounted. */
class MountCommandTest {
    @TempDir
    Path temp;

    @Test
    void mount_missingMountpoint_saysHowToCreateIt() {
        Result result = mount(temp.resolve("absent"));
        result.assertBadInput("mountpoint " + temp.resolve("absent") + " not found; create it with 'mkdir -p");
    }

    @Test
    void mount_nonEmptyMountpoint_isRejected() throws IOException {
        Path mountpoint = Files.createDirectories(temp.resolve("full"));
        Files.writeString(mountpoint.resolve("keep.txt"), "x");
        mount(mountpoint).assertBadInput("mountpoint " + mountpoint + " is not empty");
    }

    @Test
    void mount_mountpointIsFile_isRejected() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "x");
        mount(file).assertBadInput("mountpoint " + file + " is not a folder");
    }

    @Test
    void mount_mountpointInsideSources_isRejected() throws IOException {
        Path base = Trees.copyFolder(Repo.demoBase(), temp.resolve("base"));
        Path payload = Trees.copyFolder(Repo.demoPayload(), temp.resolve("payload-xor"));
        Path insideBase = Files.createDirectories(base.resolve("mnt"));
        Result result = run("mount", "--base", base.toString(), "--payload", payload.toString(), insideBase.toString());
        result.assertBadInput("lies inside the source folder " + base.toRealPath());
        assertTrue(Files.isDirectory(insideBase), "nothing removed from the base folder");
    }

    @Test
    void mount_missingBase_namesOption() {
        Path absent = temp.resolve("no-base");
        Result result = run("mount", "--base", absent.toString(), "--payload", Repo.demoPayload().toString(), temp.toString());
        result.assertBadInput("base folder " + absent + " not found; pass an existing folder with --base");
    }

    @Test
    void mount_baseEqualsPayload_isRejected() {
        Result result = run("mount", "--base", Repo.demoPayload().toString(), "--payload", Repo.demoPayload().toString(), temp.toString());
        result.assertBadInput("base and payload are the same folder");
    }

    @Test
    void mount_invalidSizes_areRejected() {
        run("mount", "--block-size", "3000", "--base", "b", "--payload", "p", "m").assertBadInput("invalid --block-size 3000");
        run("mount", "--cache-size", "4K", "--base", "b", "--payload", "p", "m").assertBadInput("--cache-size 4096 is smaller than two blocks");
        Result unparsable = run("mount", "--cache-size", "lots", "--base", "b", "--payload", "p", "m");
        assertEquals(ExitCodes.USAGE, unparsable.code, unparsable.err);
        assertTrue(unparsable.err.contains("invalid size 'lots'"), unparsable.err);
    }

    @Test
    void mount_nameCountMismatch_isRejected() {
        Result result = run("mount", "--base", "b", "--payload", "p1", "--payload", "p2", "--name", "one", "m");
        result.assertBadInput("got 1 --name and 2 --payload options");
    }

    @Test
    void mount_invalidPlainGlob_isRejected() {
        run("mount", "--plain", "[", "--base", "b", "--payload", "p", "m").assertBadInput("invalid --plain '['");
        run("mount", "--plain", " ", "--base", "b", "--payload", "p", "m").assertBadInput("invalid --plain ' '");
    }

    @Test
    void mount_invalidName_saysWhatIsAllowed() throws IOException {
        Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
        Result result = run("mount", "--base", Repo.demoBase().toString(), "--payload", Repo.demoPayload().toString(),
                "--name", "a/b", mountpoint.toString());
        result.assertBadInput("invalid model name 'a/b': pass a --name that is not empty, contains no '/'");
    }

    @Test
    void mount_samePayloadTwice_isRejected() throws IOException {
        Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
        Result result = run("mount", "--base", Repo.demoBase().toString(),
                "--payload", Repo.demoPayload().toString(), "--payload", Repo.demoPayload() + "/",
                "--name", "one", "--name", "two", mountpoint.toString());
        result.assertBadInput("payload folder " + Repo.demoPayload() + " is given twice");
    }

    @Test
    void subcommands_printVersion() {
        Result result = run("mount", "--version");
        assertEquals(0, result.code, result.err);
        assertTrue(result.out.startsWith("xormount "), result.out);
    }

    @Test
    void mount_unknownCommand_hasNoStrayPeriod() {
        Result result = run("bogus");
        assertEquals(ExitCodes.USAGE, result.code, result.err);
        assertTrue(result.err.contains("'bogus'; see 'xormount --help'"), result.err);
    }

    @Test
    void mount_duplicateNames_areRejected() throws IOException {
        Path mountpoint = Files.createDirectories(temp.resolve("mnt"));
        Path sameName = Trees.copyFolder(Repo.demoPayload(), temp.resolve("other").resolve(Repo.demoPayload().getFileName().toString()));
        Result result = run("mount", "--base", Repo.demoBase().toString(),
                "--payload", Repo.demoPayload().toString(), "--payload", sameName.toString(), mountpoint.toString());
        result.assertBadInput("two payloads would both be served as 'tiny-llama-sft'");
    }

    @Test
    void defaultName_stripsXorSuffix() {
        assertEquals("oasst-sft-6-llama-30b", MountCommand.defaultName(Path.of("/data/oasst-sft-6-llama-30b-xor")));
        assertEquals("oasst-sft-6-llama-30b", MountCommand.defaultName(Path.of("oasst-sft-6-llama-30b-xor/")));
        assertEquals("plain-name", MountCommand.defaultName(Path.of("/data/plain-name")));
    }

    @Test
    void byteSize_parsesSuffixes() {
        assertEquals(1024, ByteSizeConverter.parse("1K"));
        assertEquals(512L << 20, ByteSizeConverter.parse("512m"));
        assertEquals(2L << 30, ByteSizeConverter.parse("2GiB"));
        assertEquals(123, ByteSizeConverter.parse("123"));
    }

    private Result mount(Path mountpoint) {
        return run("mount", "--base", Repo.demoBase().toString(), "--payload", Repo.demoPayload().toString(), mountpoint.toString());
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {
        void assertBadInput(String expectedStart) {
            assertEquals(ExitCodes.BAD_INPUT, code, err);
            assertTrue(err.startsWith("xormount: error: "), err);
            assertTrue(err.contains(expectedStart), err);
            assertEquals(1, err.strip().lines().count(), "one line: " + err);
        }
    }
}
