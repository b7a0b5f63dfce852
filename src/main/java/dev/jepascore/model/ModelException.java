package dev.jepascore.model;

import dev.jepascore.JepaException;

/** The model could not be loaded or run: a broken package, a manifest mismatch, or an ONNX Runtime failure. */
public final class ModelException extends JepaException {

    public ModelException(String code, String message, Throwable cause) {
        super(Kind.INTERNAL, code, message, cause);
    }

    public ModelException(String code, String message) {
        super(Kind.INTERNAL, code, message, null);
    }
}
