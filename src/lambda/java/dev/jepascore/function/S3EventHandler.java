package dev.jepascore.function;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;

import dev.jepascore.event.ObjectRef;
import dev.jepascore.event.ParsedEvent;
import dev.jepascore.event.S3EventRecords;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.job.ScoringReport;

/**
 * The Lambda build's handler ({@code -Plambda}), invoked by S3 event notifications: scores every created object of
 * the event with the same job as the HTTP and Knative builds and returns the report. Records under the results prefix
 * (the function's own output, should the trigger's prefix filter be missing) are skipped and logged, never scored.
 * A storage outage throws, so Lambda retries the asynchronous invocation.
 * <p>
 * The build's default handler ({@code quarkus.lambda.handler=s3-event} in {@code src/lambda/resources}); the same
 * package serves S3 Batch Operations with {@code QUARKUS_LAMBDA_HANDLER=s3-batch} ({@link S3BatchHandler}).
 */
@Named(S3EventHandler.NAME)
public class S3EventHandler implements RequestHandler<S3Event, ScoringReport> {

    /** The value of {@code quarkus.lambda.handler} that selects this handler (the lambda build's default). */
    public static final String NAME = "s3-event";

    private static final Logger LOG = Logger.getLogger(S3EventHandler.class);

    @Inject
    ObjectScoringJob job;

    @Override
    public ScoringReport handleRequest(S3Event event, Context context) {
        ParsedEvent parsed = S3EventRecords.parse(event);
        for (ObjectRef ref : parsed.objects()) {
            if (job.keys().isResult(ref)) {
                LOG.infof("Skipping %s: it is under the results prefix %s (check the trigger's prefix filter)", ref,
                        job.keys().prefix());
            }
        }
        return job.process(parsed);
    }
}
