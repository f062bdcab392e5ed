package dev.xormount.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Real system users and groups created for one test class with {@code useradd} (needs root) and
 * removed by {@link #close()}, which also runs when a test fails. Names get a random suffix so
 * concurrent test runs on one machine do not collide.
 */
public final class TestUsers implements AutoCloseable {
    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(10_000, 100_000));
    private final List<String> users = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();

    /** Creates a group named {@code prefix} plus the suffix and returns its name. */
    public String addGroup(String prefix) throws IOException, InterruptedException {
        String name = prefix + suffix;
        check(Command.run("groupadd", name));
        groups.add(name);
        return name;
    }

    /** Creates a user with no home folder and no login shell, in {@code groups}, and returns its name. */
    public String addUser(String prefix, String... supplementaryGroups) throws IOException, InterruptedException {
        String name = prefix + suffix;
        List<String> command = new ArrayList<>(List.of("useradd", "--no-create-home", "--home-dir", "/nonexistent",
                "--shell", "/usr/sbin/nologin", "--user-group"));
        if (supplementaryGroups.length > 0) {
            command.add("--groups");
            command.add(String.join(",", supplementaryGroups));
        }
        command.add(name);
        check(Command.run(command.toArray(String[]::new)));
        users.add(name);
        return name;
    }

    /** Runs {@code command} as {@code user} via {@code runuser}. */
    public static Command.Result runAs(String user, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        full.addAll(List.of(command));
        return Command.run(full, java.util.Map.of());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String user : users) {
            Command.run("userdel", "--force", user);
        }
        for (String group : groups) {
            Command.run("groupdel", group);
        }
    }

    private static void check(Command.Result result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(result.describe());
        }
    }
}
