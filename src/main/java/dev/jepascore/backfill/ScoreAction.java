package dev.jepascore.backfill;

import java.time.Duration;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.jepascore.JepaException;
import dev.jepascore.action.ActionRecord;
import dev.jepascore.event.BadEventException;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.job.ObjectOutcome;
import dev.jepascore.storage.RetryingObjectStore;

/**
 * Scores one object here with the storage events' own job ({@code ObjectScoringJob.process}), so the document, its
 * key and the duplicate check are the events' own: an object version that already has a document is answered from
 * it and nothing is written. Failures that may pass (storage, an overloaded scorer) are tried again a few times,
 * then left without a document for the next run.
 */
final class ScoreAction implements Function<ObjectRef, Answer> {

    private static final Logger LOG = Logger.getLogger(ScoreAction.class);
    /** Attempts per object for failures that may pass, on top of the store's own retries. */
    static final int ATTEMPTS = 3;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(4);

    private final Function<ObjectRef, ObjectOutcome> job;

    ScoreAction(Function<ObjectRef, ObjectOutcome> job) {
        this.job = job;
    }

    @Override
    public Answer apply(ObjectRef ref) {
        for (int attempt = 1;; attempt++) {
            try {
                return answer(job.apply(ref));
            } catch (BadEventException e) {
                LOG.warnf("%s refused: %s", ref, e.getMessage());
                return new Answer("refused: " + e.code(), Answer.Severity.REFUSED);
            } catch (JepaException e) {
                if (e.kind().retriable() && attempt < ATTEMPTS) {
                    pause(RetryingObjectStore.backoff(attempt, FIRST_PAUSE, MAX_PAUSE));
                    continue;
                }
                LOG.warnf("%s not scored, nothing recorded (%s): %s", ref, e.code(), e.getMessage());
                return new Answer("failed, to retry: " + e.code(), Answer.Severity.RETRY);
            }
        }
    }

    private static Answer answer(ObjectOutcome outcome) {
        return switch (outcome.outcome()) {
            case SCORED -> withActions("scored", outcome);
            case DUPLICATE -> withActions("already had a document", outcome);
            case SKIPPED -> Answer.ok("skipped: no document to act on, or a results or quarantine object");
            case FAILED -> new Answer("failed, recorded: " + outcome.error().code(), Answer.Severity.RECORDED_FAILURE);
            case SUPERSEDED -> {
                // replaced between the listing and the read: the version read was handled under its own tag
                Answer current = answer(outcome.current());
                yield new Answer("replaced since listed, current version " + current.label(), current.severity());
            }
        };
    }

    /** The answer with the actions its document records: failed ones named, a retriable one asks for a rerun. */
    private static Answer withActions(String label, ObjectOutcome outcome) {
        if (outcome.actions() == null || outcome.actions().isEmpty()) {
            return Answer.ok(label);
        }
        StringBuilder text = new StringBuilder(label).append("; actions");
        boolean retry = false;
        boolean failed = false;
        for (ActionRecord r : outcome.actions()) {
            text.append(' ').append(r.type().id()).append(' ').append(r.status().id());
            if (!r.done()) {
                failed = true;
                text.append(" (").append(r.error() == null ? "?" : r.error().code()).append(')');
                retry |= r.error() != null && r.error().retriable();
            }
        }
        return new Answer(text.toString(), retry ? Answer.Severity.RETRY
                : failed ? Answer.Severity.RECORDED_FAILURE : Answer.Severity.OK);
    }

    static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
