package dev.jepascore.event;

import java.util.List;

/**
 * What a delivered event asks for.
 *
 * @param objects      the created objects to score, in event order
 * @param ignoredTypes event types that were acknowledged without work (deletes, test events, ...)
 */
public record ParsedEvent(List<ObjectRef> objects, List<String> ignoredTypes) {

    public ParsedEvent {
        objects = List.copyOf(objects);
        ignoredTypes = List.copyOf(ignoredTypes);
    }
}
