package dev.jepascore.event;

import com.fasterxml.jackson.annotation.JsonValue;

/** The shape an object notification arrived in. */
public enum EventFormat {
    /** S3 event notification {@code Records[]}, as sent by AWS S3, MinIO and Ceph RGW. */
    S3_RECORDS("s3-records"),
    /** An S3 notification routed through Amazon EventBridge ({@code detail-type: Object Created}). */
    EVENTBRIDGE("eventbridge"),
    /** Google Cloud Storage {@code google.cloud.storage.object.v1.*} CloudEvent (structured or binary mode). */
    GCS_CLOUDEVENT("gcs-cloudevent"),
    /** Azure Blob Storage {@code Microsoft.Storage.Blob*} event (CloudEvents or Event Grid schema). */
    AZURE_BLOB("azure-blob"),
    /** A file found in the local uploads directory by the embedded poller. */
    LOCAL_POLL("local-poll"),
    /** An object found by {@code backfill} listing a bucket. */
    BACKFILL("backfill"),
    /** A task of an S3 Batch Operations job invoking the Lambda build ({@code S3BatchHandler}). */
    S3_BATCH("s3-batch");

    private final String id;

    EventFormat(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }
}
