package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** ScoringService.inParallel: how start-up builds every model's signals and warms every model up at once. */
class InParallelTest {

    @Test
    void runs_every_item_at_once_and_answers_in_item_order() {
        CountDownLatch allStarted = new CountDownLatch(3);
        List<String> out = ScoringService.inParallel(List.of("a", "b", "c"), "test-", item -> {
            allStarted.countDown();
            try {
                // each waits for the others: only threads running at once get past this
                assertTrue(allStarted.await(10, TimeUnit.SECONDS), "the items run at once");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return item.toUpperCase();
        });
        assertEquals(List.of("A", "B", "C"), out);
    }

    @Test
    void throws_the_first_failure_in_item_order_after_every_item_ended() {
        AtomicInteger ended = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ScoringService.inParallel(List.of(1, 2, 3), "test-", i -> {
                    threads.add(Thread.currentThread().getName());
                    try {
                        Thread.sleep(i == 3 ? 200 : 10);
                    } catch (InterruptedException ie) {
                        throw new IllegalStateException(ie);
                    }
                    ended.incrementAndGet();
                    if (i >= 2) {
                        throw new IllegalStateException("item " + i + " failed");
                    }
                    return i;
                }));
        assertEquals("item 2 failed", e.getMessage());
        assertEquals(3, ended.get(), "the slow item had ended before the failure was thrown");
        assertEquals(3, threads.size(), "one thread per item");
    }
}
