package dev.jepascore;

/**
 * The function lacks the memory or the capacity to take on this work right now: not the client's mistake and not a
 * fact about the input, so it is answered with a retriable 503 {@code overloaded} (with {@code Retry-After}) and
 * never recorded in a result document.
 */
public final class OverloadedException extends JepaException {

    public OverloadedException(String message, Throwable cause) {
        super(ErrorCode.OVERLOADED, message, cause);
    }

    /** The heap ran out while working on an image; the work may succeed when fewer images are in flight. */
    public static OverloadedException outOfMemory(String doing, Throwable cause) {
        return new OverloadedException("the function ran out of memory while " + doing
                + "; too much work is in flight, retry later", cause);
    }

    /**
     * The first {@link VirtualMachineError} (out of memory, stack overflow) in {@code t}'s cause chain, or
     * {@code null}. ImageIO's readers wrap an {@link OutOfMemoryError} in an {@code IIOException} ("Caught exception
     * during read"), so a failure that looks like a format error must be searched for one before it is called one.
     */
    public static VirtualMachineError resourceFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof VirtualMachineError e) {
                return e;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
