package dev.jepascore.startup;

import dev.jepascore.ErrorCode;

import dev.jepascore.JepaException;

/**
 * The model was still loading when the work's wait ({@code jepa.startup.request-wait}) ran out: retriable 503
 * {@code model_loading}, never a result.
 */
public final class NotReadyException extends JepaException {

    public NotReadyException(String message) {
        super(ErrorCode.MODEL_LOADING, message, null);
    }
}
