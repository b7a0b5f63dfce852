package dev.jepascore.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** The {@code n} greatest items offered so far by a comparator, in at most {@code n} slots. */
final class BoundedTop<T> {

    private final int n;
    private final Comparator<T> order;
    private final PriorityQueue<T> heap;

    BoundedTop(int n, Comparator<T> order) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, found " + n);
        }
        this.n = n;
        this.order = order;
        this.heap = new PriorityQueue<>(Math.max(1, n), order);
    }

    void offer(T item) {
        if (n == 0) {
            return;
        }
        if (heap.size() < n) {
            heap.add(item);
        } else if (order.compare(item, heap.peek()) > 0) {
            heap.poll();
            heap.add(item);
        }
    }

    /** The items kept, greatest first. */
    List<T> descending() {
        List<T> items = new ArrayList<>(heap);
        items.sort(order.reversed());
        return items;
    }
}
