package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import dev.jepascore.JepaException;

/**
 * The model could not be loaded or run: a broken package, a manifest mismatch, or an ONNX Runtime
 * failure. For the latter {@link #ortErrorCode()} carries ONNX Runtime's own code (for example
 * {@code ORT_EP_FAIL} after a device reset), so a caller can tell a retriable device failure from a
 * broken graph.
 */
public final class ModelException extends JepaException {

    public ModelException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    public ModelException(ErrorCode code, String message) {
        super(code, message, null);
    }

    /** ONNX Runtime's error code ({@code OrtException.OrtErrorCode} name) when one caused this, else {@code none}. */
    public String ortErrorCode() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof ai.onnxruntime.OrtException ort) {
                return ort.getCode().name();
            }
        }
        return "none";
    }
}
