package dev.jepascore.event;

import dev.jepascore.ErrorCode;

import java.util.ArrayList;
import java.util.List;

import com.amazonaws.services.lambda.runtime.events.S3BatchEvent;
import com.amazonaws.services.lambda.runtime.events.S3BatchEventV2;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An S3 Batch Operations invocation ({@code LambdaInvoke} operation), read with the event classes of
 * {@code aws-lambda-java-events}: {@link S3BatchEvent} for invocation schema 1.0 (bucket as an ARN, key
 * form-URL-encoded, decoded here the way {@link StorageEventParser} decodes notification keys) and
 * {@link S3BatchEventV2} for 2.0 (bucket by name, key as stored). Each task becomes one {@link ObjectRef} without a
 * version tag, so the job keys its document by the tag of the bytes it reads, as for any other delivery.
 */
public final class S3BatchTasks {

    static final String SCHEMA_1 = "1.0";
    static final String SCHEMA_2 = "2.0";
    /** The event type recorded in the documents of objects scored for a batch task. */
    public static final String EVENT_TYPE = "S3BatchOperations:LambdaInvoke";
    /** Bucket ARN of schema 1.0: {@code arn:aws:s3:::<bucket>}; the name is what follows the last ':'. */
    private static final String S3_ARN_PREFIX = "arn:";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private S3BatchTasks() {
    }

    /**
     * One task: the object it names, or why it names none (an answer the job cannot change).
     *
     * @param taskId    the task's id, copied into its result
     * @param object    the object to score; {@code null} when {@code refused} is set
     * @param versionId the {@code s3VersionId} the manifest gave, {@code null} for none
     * @param refused   why the task names no usable object, else {@code null}
     */
    public record Task(String taskId, ObjectRef object, String versionId, BadEventException refused) {
    }

    /**
     * The invocation's ids and its tasks, in order.
     *
     * @param schemaVersion {@code 1.0} or {@code 2.0}, echoed in the response
     * @param invocationId  echoed in the response
     */
    public record Invocation(String schemaVersion, String invocationId, List<Task> tasks) {
    }

    /**
     * Reads an invocation. A payload that is not one (no schema version, an unknown one, no tasks, a task without
     * its id) is a {@link BadEventException}: no task of it can be answered. A task whose key or bucket is missing
     * or cannot be decoded is kept, refused.
     */
    public static Invocation parse(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new BadEventException(ErrorCode.EMPTY_EVENT, "The Lambda event is not a JSON object; expected an S3 Batch "
                    + "Operations invocation with 'invocationSchemaVersion' and 'tasks'");
        }
        String version = payload.path("invocationSchemaVersion").asText("");
        if (!payload.path("tasks").isArray() || payload.path("tasks").isEmpty()) {
            throw new BadEventException(ErrorCode.NO_TASKS, "The S3 Batch Operations invocation has no 'tasks'");
        }
        List<Task> tasks = new ArrayList<>();
        String invocationId;
        try {
            if (SCHEMA_1.equals(version)) {
                S3BatchEvent event = JSON.treeToValue(payload, S3BatchEvent.class);
                invocationId = event.getInvocationId();
                for (S3BatchEvent.Task t : event.getTasks()) {
                    tasks.add(task(t.getTaskId(), bucketOfArn(t.getS3BucketArn()), t.getS3Key(), true,
                            t.getS3VersionId()));
                }
            } else if (SCHEMA_2.equals(version)) {
                S3BatchEventV2 event = JSON.treeToValue(payload, S3BatchEventV2.class);
                invocationId = event.getInvocationId();
                for (S3BatchEventV2.Task t : event.getTasks()) {
                    tasks.add(task(t.getTaskId(), t.getS3Bucket(), t.getS3Key(), false, t.getS3VersionId()));
                }
            } else {
                throw new BadEventException(ErrorCode.UNKNOWN_SCHEMA_VERSION, "invocationSchemaVersion '" + version
                        + "' is not one this function reads; expected " + SCHEMA_1 + " or " + SCHEMA_2);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT,
                    "The S3 Batch Operations invocation does not have the fields of its schema: " + e.getOriginalMessage(),
                    e);
        }
        return new Invocation(version, invocationId, tasks);
    }

    private static Task task(String taskId, String bucket, String rawKey, boolean encoded, String versionId) {
        if (taskId == null || taskId.isBlank()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "A task of the S3 Batch Operations invocation has no 'taskId'");
        }
        try {
            if (bucket == null || bucket.isBlank()) {
                throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Task " + taskId + " names no bucket");
            }
            if (rawKey == null || rawKey.isEmpty()) {
                throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Task " + taskId + " has no 's3Key'");
            }
            String key = encoded ? StorageEventParser.formDecode(rawKey, "tasks[" + taskId + "].s3Key") : rawKey;
            ObjectKeys.requireSafe(bucket, key);
            return new Task(taskId, new ObjectRef(bucket, key, null, null, null, EVENT_TYPE, EventFormat.S3_BATCH),
                    blankToNull(versionId), null);
        } catch (BadEventException e) {
            return new Task(taskId, null, blankToNull(versionId), e);
        }
    }

    /** {@code arn:aws:s3:::my-bucket} -> {@code my-bucket}; a bare name is taken as it is. */
    static String bucketOfArn(String arn) {
        if (arn == null) {
            return null;
        }
        return arn.startsWith(S3_ARN_PREFIX) ? arn.substring(arn.lastIndexOf(':') + 1) : arn;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
