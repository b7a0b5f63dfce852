package dev.jepascore.backfill;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.result.ObjectScoringJob;
import dev.jepascore.storage.ObjectStore;
import io.quarkus.runtime.QuarkusApplication;

/** The backfill as the application's main: the function's beans, one run of {@link BackfillCommand}, exit. */
public class BackfillApplication implements QuarkusApplication {

    @Inject
    ObjectStore store;

    @Inject
    ObjectScoringJob job;

    @Inject
    ObjectMapper json;

    @Override
    public int run(String... args) {
        return BackfillCommand.execute(BackfillOptions.parse(args), store, job.keys(), job::process, json, System.out,
                System.err, BackfillCommand.onTerminal());
    }
}
