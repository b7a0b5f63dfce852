package dev.jepascore.job;

import java.util.List;

/**
 * What the storage-event function returns: one line per object, plus the event types acknowledged without work.
 *
 * @param objects one entry per created object in the event, in event order
 * @param ignored event types that were not object creations (deletes, test events, ...)
 */
public record ScoringReport(List<ObjectOutcome> objects, List<String> ignored) {
}
