package dev.jepascore.admission;

/**
 * Whether whoever asked for the work on the current thread is still waiting for its answer. Work whose caller has
 * hung up while it waited for admission is not started: nobody would read its result, and a storage event's
 * platform redelivers it.
 */
@FunctionalInterface
public interface Caller {

    /** A caller that never hangs up (tools, tests, work not started by a request). */
    Caller ALWAYS_THERE = () -> false;

    /** True when the caller is known to be gone (its connection closed); false when present or unknown. */
    boolean gone();

    /**
     * Called as the caller's work enters admission: ends the caller's {@link Admission.Arrival} if it holds one (its
     * place is then taken by the work itself) and says when the caller's request arrived, {@code now} when unknown.
     * A request answered within {@code max-wait} is answered within it from its arrival, its body's transfer included.
     */
    default long admitted(long now) {
        return now;
    }
}
