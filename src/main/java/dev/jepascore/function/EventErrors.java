package dev.jepascore.function;

import java.util.Map;

import org.jboss.logging.Logger;

import dev.jepascore.JepaException;

/**
 * The error answer of the storage-event endpoints, {@code {"error": {"code": ..., "message": ...}}}, with the status
 * taken from {@link JepaException.Kind#httpStatus()}: 4xx tells the platform not to redeliver, 503 to redeliver.
 */
final class EventErrors {

    private static final Logger LOG = Logger.getLogger(EventErrors.class);

    private EventErrors() {
    }

    /** Status and body for a failure, logging what the caller will not see. */
    record Answer(int status, Map<String, Map<String, String>> body) {
    }

    static Answer of(Throwable failure) {
        JepaException known = find(failure);
        if (known != null) {
            if (known.kind().retriable()) {
                LOG.warnf("Event failed, platform should redeliver (%s): %s", known.code(), known.getMessage());
            } else if (!known.kind().clientError()) {
                LOG.errorf(known, "Event failed (%s)", known.code());
            }
            return answer(known.kind().httpStatus(), known.code(), known.getMessage());
        }
        LOG.error("Event failed unexpectedly", failure);
        return answer(500, "internal_error", "The event could not be processed; see the function's log");
    }

    static Answer answer(int status, String code, String message) {
        return new Answer(status, Map.of("error", Map.of("code", code, "message", message)));
    }

    private static JepaException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JepaException e) {
                return e;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
