package dev.jepascore.function;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse.ResultCode;
import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.JepaException;
import dev.jepascore.event.BadEventException;
import dev.jepascore.event.S3BatchTasks;
import dev.jepascore.job.ObjectOutcome;
import dev.jepascore.job.ObjectScoringJob;

/**
 * The Lambda build's handler for S3 Batch Operations ({@code LambdaInvoke}, invocation schema 1.0 or 2.0), chosen
 * with {@code QUARKUS_LAMBDA_HANDLER=s3-batch}: scores the object of every task with the same job as the S3 event
 * handler, so each object version gets the same document whichever way it arrived, and answers one result per task:
 * <ul>
 * <li>{@code Succeeded}: scored now, or the version already had a result document ({@code duplicate});</li>
 * <li>{@code PermanentFailure}: a failure document was written (not an image, corrupt, too large, access denied:
 * the job's outcome and its code), the version already had a final failure document, the key is under the results
 * prefix (never scored), or the task names no usable object (unsafe or undecodable key);</li>
 * <li>{@code TemporaryFailure}: whatever the job leaves for redelivery without a document (storage unavailable, an
 * object still missing after the job's reads, the model not ready, the function overloaded or failing), so Batch
 * Operations retries the task.</li>
 * </ul>
 * Versions: the job reads the current version of a key. A task naming an {@code s3VersionId} (a manifest with a
 * version column) is scored on the current version, its document keyed by that version's eTag, and the result
 * string says the named version id was not read; a manifest without version ids (what {@code backfill
 * --s3-batch-manifest} writes) asks exactly for the current versions.
 */
@Named(S3BatchHandler.NAME)
public class S3BatchHandler implements RequestHandler<JsonNode, S3BatchResponse> {

    /** The value of {@code quarkus.lambda.handler} ({@code QUARKUS_LAMBDA_HANDLER}) that selects this handler. */
    public static final String NAME = "s3-batch";

    private static final Logger LOG = Logger.getLogger(S3BatchHandler.class);

    @Inject
    ObjectScoringJob job;

    @Override
    public S3BatchResponse handleRequest(JsonNode payload, Context context) {
        S3BatchTasks.Invocation invocation = S3BatchTasks.parse(payload);
        List<S3BatchResponse.Result> results = new ArrayList<>();
        for (S3BatchTasks.Task task : invocation.tasks()) {
            S3BatchResponse.Result result = new S3BatchResponse.Result();
            result.setTaskId(task.taskId());
            answer(task, result);
            results.add(result);
        }
        return S3BatchResponse.builder().withInvocationSchemaVersion(invocation.schemaVersion())
                .withInvocationId(invocation.invocationId()).withTreatMissingKeysAs(ResultCode.PermanentFailure)
                .withResults(results).build();
    }

    private void answer(S3BatchTasks.Task task, S3BatchResponse.Result result) {
        if (task.refused() != null) {
            LOG.warnf("Batch task %s refused (%s): %s", task.taskId(), task.refused().code(), task.refused().getMessage());
            set(result, ResultCode.PermanentFailure, "refused: " + task.refused().code() + ": " + task.refused().getMessage());
            return;
        }
        if (job.keys().isResult(task.object())) {
            LOG.infof("Skipping batch task %s, %s: it is under the results prefix %s (check the manifest)",
                    task.taskId(), task.object(), job.keys().prefix());
        }
        String version = task.versionId() == null ? ""
                : "; the current version was read, not the named version id " + task.versionId();
        try {
            ObjectOutcome named = job.process(task.object());
            // a task names no eTag, so the job reads the current version and is never superseded; if it were, the
            // version it read is the one answered for
            ObjectOutcome outcome = named.effective();
            String document = outcome.resultBucket() + "/" + outcome.resultKey();
            switch (outcome.outcome()) {
                case SCORED -> set(result, ResultCode.Succeeded, "scored: jepaScore=" + outcome.jepaScore() + " label="
                        + outcome.label() + " -> " + document + version);
                case DUPLICATE -> {
                    if (outcome.error() != null) {
                        set(result, ResultCode.PermanentFailure, outcome.error().code() + " (recorded earlier): "
                                + outcome.error().message() + " -> " + document + version);
                    } else {
                        set(result, ResultCode.Succeeded, "already scored: jepaScore=" + outcome.jepaScore()
                                + " label=" + outcome.label() + " -> " + document + version);
                    }
                }
                case FAILED -> set(result, ResultCode.PermanentFailure, outcome.error().code() + ": "
                        + outcome.error().message() + " -> " + document + version);
                case SKIPPED -> set(result, ResultCode.PermanentFailure,
                        "skipped: under the results prefix " + job.keys().prefix());
                case SUPERSEDED -> throw new IllegalStateException("nested superseded outcome for " + task.object());
            }
        } catch (BadEventException e) {
            LOG.warnf("Batch task %s refused (%s): %s", task.taskId(), e.code(), e.getMessage());
            set(result, ResultCode.PermanentFailure, "refused: " + e.code() + ": " + e.getMessage());
        } catch (JepaException e) {
            LOG.warnf("Batch task %s, %s: not scored, nothing recorded, to retry (%s): %s", task.taskId(),
                    task.object(), e.code(), e.getMessage());
            set(result, ResultCode.TemporaryFailure, e.code() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Batch task %s, %s: the function failed", task.taskId(), task.object());
            set(result, ResultCode.TemporaryFailure, "internal_error: " + e);
        }
    }

    private static void set(S3BatchResponse.Result result, ResultCode code, String text) {
        result.setResultCode(code);
        result.setResultString(text);
    }
}
