package dev.jepascore.action;

import dev.jepascore.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.jepascore.JepaException;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.storage.ObjectStore;

/**
 * Writes the verdict as object tags on the scored version, keeping the object's other tags. Only S3 has object tags
 * here; Azure's nearest equivalent is blob index tags and GCS's is custom metadata (a metadata update), neither of
 * which this function's stores reach (see docs/actions.md).
 */
final class ObjectTagger {

    static final String LABEL = "jepa-label";
    static final String OUTLIER_PCT = "jepa-outlier-pct";
    static final String MODEL = "jepa-model";
    /** S3 user guide, "Categorizing your storage using tags": up to 10 tags per object. */
    static final int S3_TAG_LIMIT = 10;
    /** S3 tag values: up to 256 Unicode characters. */
    private static final int S3_VALUE_LIMIT = 256;

    private ObjectTagger() {
    }

    /** Tags the version scored; returns what was written. */
    static String tag(ObjectStore store, ObjectRef version, ScoredVerdict verdict) {
        ObjectStore.TaggedVersion current = store.tags(version.bucket(), version.key());
        requireSameVersion(version, current.versionTag());
        Map<String, String> merged = merge(current.tags(), ours(verdict));
        store.putTags(version.bucket(), version.key(), current.versionId(), merged);
        return LABEL + "=" + merged.get(LABEL) + ", " + OUTLIER_PCT + "=" + merged.get(OUTLIER_PCT) + ", " + MODEL + "="
                + merged.get(MODEL) + (current.versionId() == null ? "" : " on version " + current.versionId());
    }

    /** The three tags of a verdict. */
    static Map<String, String> ours(ScoredVerdict verdict) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(LABEL, verdict.label().json());
        tags.put(OUTLIER_PCT, String.format(Locale.ROOT, "%.1f", verdict.outlierPct()));
        tags.put(MODEL, tagValue(verdict.modelId()));
        return tags;
    }

    /**
     * The object's tags with ours added or replaced, in their order; refused when that would pass S3's limit, since
     * dropping a tag someone else wrote is not ours to do.
     */
    static Map<String, String> merge(Map<String, String> existing, Map<String, String> ours) {
        Map<String, String> merged = new LinkedHashMap<>(existing);
        merged.putAll(ours);
        if (merged.size() > S3_TAG_LIMIT) {
            int others = merged.size() - ours.size();
            throw new ActionException(ErrorCode.TOO_MANY_TAGS, "the object already has " + others
                    + " other tags; S3 allows " + S3_TAG_LIMIT + " per object and " + ours.size()
                    + " are needed for the verdict: remove " + (merged.size() - S3_TAG_LIMIT) + " of them", null);
        }
        return merged;
    }

    /** Fails when the object now holds other bytes than those scored: their own event tags them. */
    static void requireSameVersion(ObjectRef version, String currentTag) {
        if (version.storeTag() && version.versionTag() != null && currentTag != null
                && !version.versionTag().equalsIgnoreCase(currentTag)) {
            throw new ActionException(ErrorCode.OBJECT_REPLACED, "'" + version.key()
                    + "' in bucket '" + version.bucket() + "' now holds version " + currentTag + ", not the scored "
                    + version.versionTag() + "; the new version's own event acts on it", null);
        }
    }

    /** S3 tag values allow letters, digits, spaces and {@code + - = . _ : / @}; anything else becomes {@code _}. */
    static String tagValue(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), S3_VALUE_LIMIT));
        for (int i = 0; i < value.length() && out.length() < S3_VALUE_LIMIT; i++) {
            char c = value.charAt(i);
            out.append(Character.isLetterOrDigit(c) || " +-=._:/@".indexOf(c) >= 0 ? c : '_');
        }
        return out.toString();
    }
}
