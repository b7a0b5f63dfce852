package dev.jepascore.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.result.Failure;
import dev.jepascore.job.ObjectOutcome;
import dev.jepascore.job.Outcome;

/** How the job's answer for an object replaced between the listing and the read is counted. */
class ScoreActionTest {

    private static final ObjectRef LISTED = new ObjectRef("uploads", "a.png", "0b6f4a0c1d2e3f405162738495a6b7c8", 10L,
            null, "backfill", EventFormat.BACKFILL, true);
    private static final ObjectRef READ = LISTED.replacedBy("9a0364b9e99bb480dd25e1f0284c8555", 12L, null);

    private static Answer answer(ObjectOutcome current) {
        ObjectOutcome superseded = new ObjectOutcome(LISTED, Outcome.SUPERSEDED, null, null, null, null, null, null,
                current);
        return new ScoreAction(ref -> superseded).apply(LISTED);
    }

    @Test
    void replaced_object_whose_current_version_was_scored_is_done() {
        Answer answer = answer(new ObjectOutcome(READ, Outcome.SCORED, "uploads", "k", -200.0, 5.0, "typical", null));
        assertEquals(new Answer("replaced since listed, current version scored", Answer.Severity.OK), answer);
    }

    @Test
    void replaced_object_whose_current_version_failed_counts_as_a_recorded_failure() {
        Answer answer = answer(new ObjectOutcome(READ, Outcome.FAILED, "uploads", "k", null, null, null,
                new Failure("not_an_image", "text")));
        assertEquals(Answer.Severity.RECORDED_FAILURE, answer.severity());
        assertEquals("replaced since listed, current version failed, recorded: not_an_image", answer.label());
    }
}
