package dev.jepascore.event;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds of one delivered storage event. */
@ConfigMapping(prefix = "jepa.event")
public interface EventConfig {

    /**
     * Most records (objects and acknowledged non-create records together) one request may carry; more is refused
     * with 413 {@code too_many_records} before any object is read. AWS S3 sends one record per notification and
     * Azure Event Grid batches at most 5 000 events only when told to; 100 keeps one request's storage and scoring
     * work within the 60 s request timeout of the deploy/ targets while allowing generous batches.
     */
    @WithDefault("100")
    int maxRecords();
}
