package dev.jepascore.function;

import java.util.Arrays;

import dev.jepascore.backfill.BackfillCommand;
import dev.jepascore.packaging.PackageModelCommand;
import dev.jepascore.report.ReportCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The runtime artifact's entry point: {@code package-model ...} as the first argument runs the
 * packaging command and exits without starting the function; {@code backfill ...} starts the function
 * without its HTTP listener, scores a bucket and exits; {@code report ...} writes the HTML report of a
 * bucket's result documents (the application started without HTTP); anything else starts the function
 * (HTTP, storage events) as before.
 */
@QuarkusMain
public final class JepaMain {

    private JepaMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && "package-model".equals(args[0])) {
            System.exit(PackageModelCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && "backfill".equals(args[0])) {
            BackfillCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "report".equals(args[0])) {
            System.exit(ReportCommand.launch(Arrays.copyOfRange(args, 1, args.length), System.err));
        }
        Quarkus.run(args);
    }
}
