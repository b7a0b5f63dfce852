package dev.jepascore;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What every command of the artifact shares (picocli): one line naming the bad flag, then the usage, exit code
 * {@value #EXIT_USAGE}; help and completion on every command.
 */
public final class CommandLines {

    /** Exit code of bad flags (picocli's {@code ExitCode.USAGE}; the docs promise 2). */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    private static final String PROFILE = "quarkus.profile";

    private CommandLines() {
    }

    /** A command line over {@code command} that answers bad flags with one line plus usage and exit code 2. */
    public static CommandLine of(Object command) {
        CommandLine line = new CommandLine(command);
        line.setParameterExceptionHandler(USAGE_ERROR);
        return line;
    }

    /**
     * Parses {@code args} into {@code command} (a {@code @Command} object) and runs its own checks
     * ({@link Checked#check}); throws the {@link ParameterException} naming the flag.
     */
    public static <T> T parse(T command, String... args) {
        CommandLine line = new CommandLine(command);
        line.parseArgs(args);
        if (command instanceof Checked checked) {
            checked.check(line);
        }
        return command;
    }

    /**
     * Adds {@code profile} to the active configuration profiles, after the one the user chose (default {@code prod}),
     * so its {@code %profile.} settings in application.properties win over the plain ones while a {@code -D} or an
     * environment variable still overrides them. Call before the application starts.
     */
    public static void activateProfile(String profile) {
        String chosen = System.getProperty(PROFILE, System.getenv().getOrDefault("QUARKUS_PROFILE", "prod"));
        System.setProperty(PROFILE, chosen + "," + profile);
    }

    /** {@code -h}/{@code --help} on every command (picocli prints the usage its declarations generate). */
    public static final class Help {
        @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }

    /** Options whose combination is checked after parsing (exclusive modes, values that depend on each other). */
    public interface Checked {
        /** Throws a {@link ParameterException} on {@code line} naming the flag when the combination is refused. */
        void check(CommandLine line);
    }

    private static final IParameterExceptionHandler USAGE_ERROR = (ParameterException e, String[] args) -> {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println(line.getCommandName() + ": " + e.getMessage());
        err.print("Usage: " + line.getHelp().synopsis(0));
        err.println("(--help for every flag)");
        err.flush();
        return EXIT_USAGE;
    };
}
