package dev.jepascore.event;

import dev.jepascore.ErrorCode;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3ObjectEntity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An {@link S3Event} as Lambda delivers it, turned back into the S3 notification JSON that
 * {@link StorageEventParser} reads, so the Lambda build decodes keys, picks version tags and ignores non-create
 * records exactly as the HTTP and Knative builds do. Keys stay form-URL-encoded here (as S3 sent them); the parser
 * decodes them.
 */
public final class S3EventRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3EventRecords() {
    }

    public static ParsedEvent parse(S3Event event) {
        if (event == null || event.getRecords() == null) {
            throw new BadEventException(ErrorCode.EMPTY_EVENT, "The Lambda event has no 'Records'; expected an S3 notification");
        }
        ObjectNode notification = JSON.createObjectNode();
        ArrayNode records = notification.putArray("Records");
        for (S3EventNotificationRecord record : event.getRecords()) {
            ObjectNode out = records.addObject();
            putIfPresent(out, "eventSource", record.getEventSource());
            putIfPresent(out, "eventName", record.getEventName());
            if (record.getS3() == null) {
                continue;
            }
            ObjectNode s3 = out.putObject("s3");
            if (record.getS3().getBucket() != null) {
                putIfPresent(s3.putObject("bucket"), "name", record.getS3().getBucket().getName());
            }
            S3ObjectEntity object = record.getS3().getObject();
            if (object != null) {
                ObjectNode o = s3.putObject("object");
                putIfPresent(o, "key", object.getKey());
                if (object.getSizeAsLong() != null) {
                    o.put("size", object.getSizeAsLong());
                }
                putIfPresent(o, "eTag", object.geteTag());
                putIfPresent(o, "versionId", object.getVersionId());
            }
        }
        return StorageEventParser.parse(notification);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
