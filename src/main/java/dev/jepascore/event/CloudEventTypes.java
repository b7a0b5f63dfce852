package dev.jepascore.event;

import java.util.List;

/**
 * The CloudEvent types the Knative build routes to its storage-event functions, and the type of the reply it sends
 * back. Shared by the functions (as {@code @CloudEventMapping} triggers), the error for an unmapped type, and the
 * test that checks the Triggers under {@code deploy/}.
 */
public final class CloudEventTypes {

    /** Google Cloud Storage, as Eventarc delivers it (binary mode; the body is the object resource). */
    public static final String GCS_FINALIZED = StorageEventParser.GCS_FINALIZED;
    /** Azure Blob Storage through Event Grid's CloudEvents schema (structured mode). */
    public static final String AZURE_BLOB_CREATED = StorageEventParser.AZURE_BLOB_CREATED;
    /**
     * S3 notification bodies ({@code {"Records": [...]}}, from AWS S3, MinIO or Ceph RGW) relayed as the data of a
     * CloudEvent by an event source. There is no registered type for this, so it is ours: the source must set it
     * (or the trigger can be changed with
     * {@code QUARKUS_FUNQY_KNATIVE_EVENTS_MAPPING__ONS3NOTIFICATION__TRIGGER}).
     */
    public static final String S3_NOTIFICATION = "dev.jepascore.storage.s3-notification";
    /**
     * The type of the reply a storage-event function sends. No Trigger may subscribe to it: a reply routed back to
     * the function would score nothing (it names no object) but would loop through the broker.
     */
    public static final String SCORED = "dev.jepascore.object.scored";
    /** The {@code source} attribute of replies. */
    public static final String REPLY_SOURCE = "/jepa-score";

    /** The storage types routed to a function, in the order the error for an unmapped type lists them. */
    public static final List<String> STORAGE_TRIGGERS = List.of(GCS_FINALIZED, AZURE_BLOB_CREATED, S3_NOTIFICATION);

    private CloudEventTypes() {
    }
}
