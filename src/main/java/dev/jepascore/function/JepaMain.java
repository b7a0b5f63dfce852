package dev.jepascore.function;

import java.util.concurrent.Callable;

import dev.jepascore.CommandLines;
import dev.jepascore.backfill.BackfillOptions;
import dev.jepascore.packaging.PackageModelCommand;
import dev.jepascore.report.ReportCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.runtime.annotations.RegisterForReflection;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The runtime artifact's entry point and its command line (picocli): no command, or {@code serve}, starts the function
 * (HTTP, storage events); {@code package-model} writes a model package without starting it; {@code backfill} and
 * {@code report} start it without its HTTP listener for one run and exit; {@code completion} prints a bash/zsh
 * completion script. Every command answers {@code --help}; bad flags get one line naming the flag, the usage and exit
 * code 2.
 */
@QuarkusMain
@Command(name = "jepa-score",
        description = "Scores images with JEPA-SCORE: a serverless function (serve) and its offline commands.",
        footer = { "", "No command starts the function, as serve does. Completion: source <(jepa-score completion)" },
        subcommands = { JepaMain.Serve.class, PackageModelCommand.class, BackfillOptions.class,
            ReportCommand.class })
// Native image: picocli reads and sets the commands' annotated fields by reflection and creates subcommands and
// mixins through their constructors; every class of this command line is registered here, in one place.
@RegisterForReflection(fields = true, methods = true, classNames = {
    "dev.jepascore.function.JepaMain", "dev.jepascore.function.JepaMain$Serve", "dev.jepascore.CommandLines$Help",
    "dev.jepascore.packaging.PackageModelCommand", "dev.jepascore.packaging.PackageOptions",
    "dev.jepascore.backfill.BackfillOptions", "dev.jepascore.report.ReportCommand",
    "picocli.AutoComplete$GenerateCompletion", "picocli.CommandLine$AutoHelpMixin" })
public final class JepaMain implements Callable<Integer> {

    @Mixin
    CommandLines.Help help;

    public static void main(String... args) {
        if (args.length == 0) {
            // serve, as every deployment starts it: straight to Quarkus, without building the command line (picocli's
            // model of every subcommand and option cost 0.17-0.34 s of each JVM start-up here)
            System.exit(new Serve().call());
        }
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** The whole command line, with its subcommands. */
    static CommandLine commandLine() {
        CommandLine line = CommandLines.of(new JepaMain());
        // picocli's generator of a bash/zsh completion script for this very command line (hidden unless named)
        line.addSubcommand("completion", new AutoComplete.GenerateCompletion());
        line.getSubcommands().get("completion").getCommandSpec().usageMessage().hidden(false)
                .description("Prints a bash/zsh completion script: source <(java -jar quarkus-run.jar completion)");
        line.setParameterExceptionHandler(line.getParameterExceptionHandler()); // reaches the subcommand added above
        return line;
    }

    /** No command: serve. */
    @Override
    public Integer call() {
        return new Serve().call();
    }

    /** {@code serve}: the function (HTTP, storage events) until the process is stopped. */
    @Command(name = "serve", description = "Starts the function: HTTP API, storage events, the local uploads poller (the default).")
    static final class Serve implements Callable<Integer> {
        @Mixin
        CommandLines.Help help;

        @Override
        public Integer call() {
            Quarkus.run();
            return 0;
        }
    }
}
