package dev.jepascore.action;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.jepascore.result.Label;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * What to do with a verdict once its result document is written, per bucket:
 * {@code jepa.actions.<bucket>.tag=true}, {@code jepa.actions.<bucket>.notify.min-label=unusual},
 * {@code jepa.actions.<bucket>.quarantine.bucket=...}. Quote a bucket name holding dots
 * ({@code jepa.actions."my.photos".tag=true}). A bucket without an entry gets no actions (the default).
 */
@ConfigMapping(prefix = "jepa.actions")
public interface ActionsConfig {

    /** The actions of each bucket, by bucket name. */
    @WithParentName
    Map<String, Bucket> buckets();

    interface Bucket {
        /**
         * Tag every scored object version with {@code jepa-label}, {@code jepa-outlier-pct} and {@code jepa-model}
         * (S3 {@code PutObjectTagging}; the object's other tags are kept, within S3's limit of 10).
         */
        @WithDefault("false")
        boolean tag();

        /** Send a CloudEvent {@code dev.jepascore.object.flagged} for objects at or above a label. */
        @WithName("notify")
        Optional<Notify> notification();

        /** Copy flagged objects to a quarantine bucket and/or prefix. */
        Optional<Quarantine> quarantine();
    }

    interface Notify {
        /** The lowest label that is sent: {@code unusual} (unusual and outlier) or {@code outlier}. */
        Label minLabel();

        /**
         * Where the event is POSTed (CloudEvents binary mode). Unset: the {@code K_SINK} environment variable that a
         * Knative SinkBinding injects. Start-up fails when neither is set.
         */
        Optional<URI> url();

        /** Attempts per delivery, the first included; 5xx, 408, 429 and connection failures are retried. */
        @WithDefault("3")
        int attempts();

        /** Pause before the first retry; doubled for each further retry. */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Longest one attempt may take (connecting, sending, the answer) before it counts as failed. */
        @WithDefault("5s")
        Duration timeout();
    }

    interface Quarantine {
        /** The bucket the copies go to (it must exist); the object's own bucket when it is the same. */
        String bucket();

        /**
         * Key prefix of the copies, ending in {@code /}; the copy of {@code a/b.png} is {@code <prefix>a/b.png}.
         * Objects under it are never scored. Required when the quarantine bucket is the object's own bucket; unset,
         * the copy keeps the original key.
         */
        @WithName("prefix")
        Optional<String> prefixSetting();

        /** {@link #prefixSetting()}, empty when unset. */
        default String prefix() {
            return prefixSetting().orElse("");
        }

        /** Delete the original once the copy exists (after the object's other actions are done). */
        @WithDefault("false")
        boolean deleteOriginal();

        /** The lowest label that is quarantined: {@code unusual} or {@code outlier}. */
        @WithDefault("outlier")
        Label minLabel();
    }
}
