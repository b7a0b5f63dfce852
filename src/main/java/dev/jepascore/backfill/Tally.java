package dev.jepascore.backfill;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of answers, updated from the worker threads and read by the progress line. */
final class Tally {

    private final Map<Answer, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder done = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder retry = new LongAdder();

    void add(Answer answer) {
        counts.computeIfAbsent(answer, a -> new LongAdder()).increment();
        if (answer.failure()) {
            failed.increment();
        }
        if (answer.severity() == Answer.Severity.RETRY) {
            retry.increment();
        }
        done.increment();
    }

    long done() {
        return done.sum();
    }

    long failed() {
        return failed.sum();
    }

    /** Objects left without a document for a reason that may pass. */
    long toRetry() {
        return retry.sum();
    }

    long count(String label) {
        return counts.entrySet().stream().filter(e -> e.getKey().label().equals(label))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /** Label to count, in label order. */
    Map<String, Long> byLabel() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((answer, n) -> out.merge(answer.label(), n.sum(), Long::sum));
        return out;
    }
}
