package dev.jepascore.packaging.autodiff;

/**
 * The encoder graph cannot be differentiated here: an op without a rule (named), a construct the
 * differentiator does not read, or a shape it cannot fix. {@code package-model} then falls back to
 * the sketch and says why.
 */
public final class UnsupportedGraphException extends RuntimeException {

    public UnsupportedGraphException(String message) {
        super(message);
    }

    public UnsupportedGraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
