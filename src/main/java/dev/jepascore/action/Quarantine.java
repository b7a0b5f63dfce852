package dev.jepascore.action;

import dev.jepascore.event.ObjectRef;
import dev.jepascore.storage.ObjectStore;

/**
 * Copies a flagged object to {@code <quarantine bucket>/<prefix><key>} and, when configured, deletes the original.
 * The copy's location is never scored ({@link ObjectActions#isQuarantined}), so quarantining cannot loop.
 */
final class Quarantine {

    private Quarantine() {
    }

    static String copy(ObjectStore store, ObjectRef version, ActionsConfig.Quarantine settings) {
        // the bytes there now must be the version scored: never quarantine (or delete) a newer upload for it
        ObjectTagger.requireSameVersion(version, store.head(version.bucket(), version.key()).versionTag());
        String target = settings.prefix() + version.key();
        store.copy(version.bucket(), version.key(), settings.bucket(), target);
        if (settings.deleteOriginal()) {
            store.delete(version.bucket(), version.key());
        }
        return "copied to " + settings.bucket() + "/" + target + (settings.deleteOriginal() ? ", original deleted" : "");
    }
}
