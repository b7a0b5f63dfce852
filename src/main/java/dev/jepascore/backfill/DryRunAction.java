package dev.jepascore.backfill;

import java.util.function.Function;

import dev.jepascore.JepaException;
import dev.jepascore.event.ObjectKeys;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.result.ResultKeys;
import dev.jepascore.storage.ObjectStore;

/**
 * {@code --dry-run}: whether the object's version has a document yet, looked up where the job would write it;
 * nothing is scored or written. The local store's listing names no version tag, so its files are hashed here (a
 * read of each file, as the job's own duplicate check does).
 */
final class DryRunAction implements Function<ObjectRef, Answer> {

    private final ObjectStore store;
    private final ResultKeys keys;

    DryRunAction(ObjectStore store, ResultKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    @Override
    public Answer apply(ObjectRef ref) {
        if (ObjectKeys.whyUnsafe(ref.key()) != null) {
            return new Answer("would be refused: unsafe_object_key", Answer.Severity.REFUSED);
        }
        try {
            ObjectRef version = ref.versionTag() != null ? ref
                    : ref.withVersionTag(store.head(ref.bucket(), ref.key()).versionTag());
            return store.exists(keys.bucketFor(version), keys.keyFor(version)) ? Answer.ok("already has a document")
                    : Answer.ok("would be scored");
        } catch (JepaException e) {
            return new Answer("cannot check: " + e.code(), Answer.Severity.RETRY);
        }
    }
}
