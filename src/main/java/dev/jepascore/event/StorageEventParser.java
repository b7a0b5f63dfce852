package dev.jepascore.event;

import dev.jepascore.ErrorCode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a storage notification, as the platform delivers it, into {@link ObjectRef}s.
 * <p>
 * Recognised shapes (each has a recorded sample under {@code src/test/resources/events/}):
 * <ul>
 * <li>S3 event notification {@code {"Records": [...]}} from AWS S3 ({@code eventSource aws:s3}), MinIO
 * ({@code minio:s3}, event names with an {@code s3:} prefix, {@code /} in keys sent as {@code %2F}) and Ceph RGW
 * ({@code ceph:s3}, keys not encoded, sizes possibly strings). AWS and MinIO form-URL-encode the key
 * ({@code "red flower.jpg"} arrives as {@code red+flower.jpg}); it is decoded here.</li>
 * <li>The same notification through EventBridge: {@code detail-type}, {@code detail.bucket.name},
 * {@code detail.object.key} (form-URL-encoded like the records).</li>
 * <li>CloudEvents in structured mode (or a JSON array of them, as Azure batches them): GCS
 * {@code google.cloud.storage.object.v1.finalized} (numbers as strings) and Azure
 * {@code Microsoft.Storage.BlobCreated} (container and blob path from {@code subject}).
 * Binary-mode CloudEvents go through {@link #parseCloudEvent}.</li>
 * <li>Azure Event Grid schema events ({@code eventType} instead of {@code type}).</li>
 * <li>A bare GCS object resource ({@code "kind": "storage#object"}): the body of a binary-mode
 * {@code finalized} CloudEvent whose {@code ce-*} headers were not passed on.</li>
 * </ul>
 * Other event types of those sources (deletes, restores, metadata updates, S3 test events) are acknowledged and
 * listed in {@link ParsedEvent#ignoredTypes()}. Anything else is a {@link BadEventException}.
 */
public final class StorageEventParser {

    static final String GCS_FINALIZED = "google.cloud.storage.object.v1.finalized";
    static final String GCS_TYPE_PREFIX = "google.cloud.storage.object.v1.";
    static final String AZURE_BLOB_CREATED = "Microsoft.Storage.BlobCreated";
    static final String AZURE_TYPE_PREFIX = "Microsoft.Storage.";
    static final String AZURE_VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent";
    static final String EVENTBRIDGE_CREATED = "Object Created";
    /** Azure subject: {@code /blobServices/default/containers/<container>/blobs/<path>}. */
    static final String AZURE_CONTAINERS = "/containers/";
    static final String AZURE_BLOBS = "/blobs/";
    /** GCS CloudEvent source: {@code //storage.googleapis.com/projects/_/buckets/<bucket>}. */
    static final String GCS_BUCKETS = "/buckets/";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StorageEventParser() {
    }

    /** Parses a delivered event body. */
    public static ParsedEvent parse(JsonNode event) {
        Collector out = new Collector();
        if (event == null || event.isNull() || event.isMissingNode()) {
            throw new BadEventException(ErrorCode.EMPTY_EVENT, "The event body is empty; expected a storage event as JSON");
        }
        if (event.isArray()) {
            if (event.isEmpty()) {
                throw new BadEventException(ErrorCode.NO_RECORDS, "The event is an empty JSON array: there is nothing to score");
            }
            for (JsonNode element : event) {
                parseOne(element, out);
            }
        } else {
            parseOne(event, out);
        }
        return out.build();
    }

    /**
     * Parses a binary-mode CloudEvent: attributes from the {@code ce-*} headers, the body as its data.
     *
     * @param type    {@code ce-type}
     * @param source  {@code ce-source}, may be {@code null}
     * @param subject {@code ce-subject}, may be {@code null}
     * @param data    the request body
     */
    public static ParsedEvent parseCloudEvent(String type, String source, String subject, JsonNode data) {
        Collector out = new Collector();
        cloudEvent(type, source, subject, data, out);
        return out.build();
    }

    private static void parseOne(JsonNode event, Collector out) {
        if (!event.isObject()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT,
                    "Expected the event to be a JSON object, found " + event.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        if (event.has("Records")) {
            s3Records(event.get("Records"), out);
        } else if (event.has("detail-type")) {
            eventBridge(event, out);
        } else if (event.has("specversion") || (event.has("type") && event.has("source"))) {
            cloudEvent(text(event, "type", "type"), optText(event, "source"), optText(event, "subject"),
                    cloudEventData(event), out);
        } else if (event.has("eventType") && event.has("subject")) {
            // Azure Event Grid schema: same fields as the CloudEvent under different names.
            cloudEvent(text(event, "eventType", "eventType"), optText(event, "topic"), optText(event, "subject"),
                    event.path("data"), out);
        } else if (event.path("Event").asText("").endsWith("TestEvent")) {
            // S3 sends {"Service":"Amazon S3","Event":"s3:TestEvent",...} when notifications are configured.
            out.ignored.add(event.get("Event").asText());
        } else if ("storage#object".equals(event.path("kind").asText())) {
            gcsObject(GCS_FINALIZED, null, null, event, out);
        } else {
            throw new BadEventException(ErrorCode.UNKNOWN_EVENT_FORMAT,
                    "Not a storage event this function understands: expected S3 'Records', an EventBridge 'detail-type', "
                            + "a CloudEvent ('specversion', 'type'), an Event Grid event ('eventType') or a GCS object resource");
        }
    }

    // --- S3 event notification records (AWS, MinIO, Ceph RGW) ---

    private static void s3Records(JsonNode records, Collector out) {
        if (!records.isArray()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "'Records' must be an array, found "
                    + records.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        if (records.isEmpty()) {
            throw new BadEventException(ErrorCode.NO_RECORDS, "The event has an empty 'Records' array: there is nothing to score");
        }
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            String where = "Records[" + i + "]";
            String eventName = text(record, "eventName", where + ".eventName");
            String name = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
            if (!name.startsWith("ObjectCreated:")) {
                out.ignored.add(eventName);
                continue;
            }
            String source = record.path("eventSource").asText("aws:s3");
            JsonNode s3 = record.path("s3");
            JsonNode object = s3.path("object");
            String bucket = text(s3.path("bucket"), "name", where + ".s3.bucket.name");
            String rawKey = text(object, "key", where + ".s3.object.key");
            // Ceph RGW sends the key as stored; AWS and MinIO form-URL-encode it.
            String key = source.startsWith("ceph:") ? rawKey : formDecode(rawKey, where + ".s3.object.key");
            String eTag = VersionTags.s3ETag(stripQuotes(optText(object, "eTag")), where + ".s3.object.eTag");
            String tag = firstNonBlank(eTag,
                    VersionTags.s3VersionId(optText(object, "versionId"), where + ".s3.object.versionId"));
            out.objects.add(new ObjectRef(bucket, key, tag, optLong(object, "size", where + ".s3.object.size"),
                    optText(object, "contentType"), eventName, EventFormat.S3_RECORDS, isETag(eTag, tag)));
        }
    }

    // --- EventBridge ---

    private static void eventBridge(JsonNode event, Collector out) {
        String detailType = text(event, "detail-type", "detail-type");
        if (!EVENTBRIDGE_CREATED.equals(detailType)) {
            out.ignored.add(detailType);
            return;
        }
        JsonNode detail = event.path("detail");
        JsonNode object = detail.path("object");
        String bucket = text(detail.path("bucket"), "name", "detail.bucket.name");
        String key = formDecode(text(object, "key", "detail.object.key"), "detail.object.key");
        String eTag = VersionTags.s3ETag(stripQuotes(optText(object, "etag")), "detail.object.etag");
        String tag = firstNonBlank(eTag, VersionTags.s3VersionId(optText(object, "version-id"), "detail.object.version-id"));
        out.objects.add(new ObjectRef(bucket, key, tag, optLong(object, "size", "detail.object.size"), null,
                detailType, EventFormat.EVENTBRIDGE, isETag(eTag, tag)));
    }

    // --- CloudEvents (GCS, Azure) ---

    private static void cloudEvent(String type, String source, String subject, JsonNode data, Collector out) {
        if (type == null || type.isBlank()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "The CloudEvent has no 'type' (ce-type header in binary mode)");
        }
        if (type.equals(GCS_FINALIZED)) {
            gcsObject(type, source, subject, data, out);
        } else if (type.equals(AZURE_BLOB_CREATED)) {
            azureBlob(type, subject, data, out);
        } else if (type.startsWith(GCS_TYPE_PREFIX) || type.startsWith(AZURE_TYPE_PREFIX)
                || type.equals(AZURE_VALIDATION)) {
            out.ignored.add(type);
        } else {
            throw new BadEventException(ErrorCode.UNKNOWN_EVENT_TYPE, "Event type '" + type + "' is not a storage object event; "
                    + "expected " + GCS_FINALIZED + " or " + AZURE_BLOB_CREATED);
        }
    }

    private static void gcsObject(String type, String source, String subject, JsonNode data, Collector out) {
        if (data == null || !data.isObject()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "The GCS event has no object resource as its data");
        }
        String bucket = optText(data, "bucket");
        if (bucket == null && source != null && source.contains(GCS_BUCKETS)) {
            bucket = source.substring(source.lastIndexOf(GCS_BUCKETS) + GCS_BUCKETS.length());
        }
        String name = optText(data, "name");
        if (name == null && subject != null && subject.startsWith("objects/")) {
            name = subject.substring("objects/".length());
        }
        if (bucket == null || bucket.isBlank()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "The GCS event names no bucket (data.bucket or source)");
        }
        if (name == null || name.isEmpty()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "The GCS event names no object (data.name or subject)");
        }
        out.objects.add(new ObjectRef(bucket, name,
                VersionTags.gcsGeneration(optText(data, "generation"), "data.generation"), optLong(data, "size", "data.size"),
                optText(data, "contentType"), type, EventFormat.GCS_CLOUDEVENT));
    }

    private static void azureBlob(String type, String subject, JsonNode data, Collector out) {
        JsonNode d = data == null ? JSON.createObjectNode() : data;
        String[] containerAndBlob = subject != null ? fromSubject(subject) : fromBlobUrl(optText(d, "url"));
        out.objects.add(new ObjectRef(containerAndBlob[0], containerAndBlob[1],
                VersionTags.azureETag(stripQuotes(optText(d, "eTag")), "data.eTag"),
                optLong(d, "contentLength", "data.contentLength"), optText(d, "contentType"), type,
                EventFormat.AZURE_BLOB));
    }

    /** {@code /blobServices/default/containers/<container>/blobs/<path>}, the path as stored. */
    private static String[] fromSubject(String subject) {
        int c = subject.indexOf(AZURE_CONTAINERS);
        int b = subject.indexOf(AZURE_BLOBS, c < 0 ? 0 : c + AZURE_CONTAINERS.length());
        if (c < 0 || b < 0) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Azure subject '" + subject
                    + "' is not of the form /blobServices/default/containers/<container>/blobs/<path>");
        }
        String container = subject.substring(c + AZURE_CONTAINERS.length(), b);
        String blob = subject.substring(b + AZURE_BLOBS.length());
        if (container.isEmpty() || blob.isEmpty()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Azure subject '" + subject + "' has an empty container or blob");
        }
        return new String[] {container, blob};
    }

    /**
     * Binary mode without {@code ce-subject}: {@code https://<account>.blob.core.windows.net/<container>/<path>},
     * the path percent-encoded.
     */
    private static String[] fromBlobUrl(String url) {
        if (url == null) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT,
                    "The Azure BlobCreated event has neither a 'subject' nor a 'data.url' naming the blob");
        }
        String path;
        try {
            path = java.net.URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Azure blob URL '" + url + "' is not a URL", e);
        }
        int slash = path == null ? -1 : path.indexOf('/', 1);
        if (slash < 0 || slash == path.length() - 1) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Azure blob URL '" + url + "' names no container and blob");
        }
        return new String[] {path.substring(1, slash), path.substring(slash + 1)};
    }

    /** Structured-mode data: {@code data} as JSON, or as a string holding JSON. */
    private static JsonNode cloudEventData(JsonNode event) {
        JsonNode data = event.path("data");
        if (data.isTextual()) {
            try {
                return JSON.readTree(data.asText());
            } catch (Exception e) {
                throw new BadEventException(ErrorCode.MALFORMED_EVENT, "The CloudEvent 'data' string is not JSON", e);
            }
        }
        return data;
    }

    // --- field helpers ---

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Missing or non-string field '" + where + "'");
        }
        return value.asText();
    }

    private static String optText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isEmpty() ? value.asText() : null;
    }

    /** Sizes arrive as numbers (AWS, MinIO, Azure) or strings (GCS, some Ceph RGW versions). */
    private static Long optLong(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (value.canConvertToLong() && value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                throw new BadEventException(ErrorCode.MALFORMED_EVENT,
                        "Field '" + where + "' is not a whole number: '" + value.asText() + "'", e);
            }
        }
        throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Field '" + where + "' is not a whole number: " + value);
    }

    /** S3 keys in notifications are form-URL-encoded: {@code +} is a space, {@code %2B} a plus, {@code %2F} a slash. */
    static String formDecode(String key, String where) {
        try {
            return URLDecoder.decode(key, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "Field '" + where + "' is not form-URL-encoded: '" + key + "'", e);
        }
    }

    private static String stripQuotes(String s) {
        if (s != null && s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    /** Whether the chosen tag is the eTag (what a read reports), not the version id it falls back to. */
    private static boolean isETag(String eTag, String tag) {
        return tag != null && tag.equals(eTag);
    }

    private static final class Collector {
        final List<ObjectRef> objects = new ArrayList<>();
        final List<String> ignored = new ArrayList<>();

        ParsedEvent build() {
            return new ParsedEvent(objects, ignored);
        }
    }
}
