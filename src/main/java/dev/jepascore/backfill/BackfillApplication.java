package dev.jepascore.backfill;

import java.io.IOException;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.JepaException;
import dev.jepascore.report.ReportApplication;
import dev.jepascore.report.ReportData;
import dev.jepascore.report.ReportOptions;
import dev.jepascore.report.ReportRenderer;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.storage.BucketAllowList;
import dev.jepascore.storage.ObjectStore;
import io.quarkus.runtime.QuarkusApplication;

/** The backfill as the application's main: the function's beans, one run of {@link BackfillCommand}, the report if asked for, exit. */
public class BackfillApplication implements QuarkusApplication {

    @Inject
    ObjectStore store;

    @Inject
    ObjectScoringJob job;

    @Inject
    ObjectMapper json;

    @Inject
    ReportRenderer reports;

    @Inject
    BucketAllowList buckets;

    @Override
    public int run(String... args) {
        BackfillOptions options = BackfillOptions.parse(args);
        if (!buckets.allows(options.bucket())) {
            System.err.println("backfill: bucket '" + options.bucket() + "' is not one this function serves; "
                    + "jepa.storage.buckets allows " + buckets.buckets() + " (bucket_not_allowed)");
            return BackfillCommand.EXIT_CANNOT_LIST;
        }
        int code = BackfillCommand.execute(options, store, job.keys(),
                options.applyActions() ? job::completeActions : job::process, json, System.out, System.err,
                BackfillCommand.onTerminal());
        if (options.report() == null || code == BackfillCommand.EXIT_CANNOT_LIST) {
            return code;
        }
        // also after exit code 3 (some objects to retry): the page shows what is there, failures included
        try {
            ReportData data = ReportApplication.write(reports, options.bucket(), options.prefix(), ReportOptions.defaults(),
                    options.report());
            System.out.printf("backfill: report over %d result documents (%d failures) -> %s%n", data.documents(),
                    data.failureCount(), options.report().toAbsolutePath());
            return code;
        } catch (JepaException e) {
            System.err.println("backfill: the report could not be made (" + e.code() + "): " + e.getMessage());
        } catch (IOException e) {
            System.err.println("backfill: cannot write the report " + options.report() + ": " + e);
        }
        return code == BackfillCommand.EXIT_OK ? BackfillCommand.EXIT_CANNOT_LIST : code;
    }
}
