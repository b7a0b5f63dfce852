package dev.jepascore.score;

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
}
