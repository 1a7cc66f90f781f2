package dev.weft.locks.pool;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pool's mapping calls: gevent's P21, P21c, P21d, map and imap failures, bounded buffering.
 * Durations of gevent's sleep-based probes become numbers of yields, so the completion order
 * is fixed by the hub's run queue, not by a clock.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class PoolMapTest {

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** gevent's sleep(n / 100) then return n, with n yields for the sleep. */
    private static int yieldThenReturn(int n) {
        for (int i = 0; i < n; i++) {
            Fiber.yieldNow();
        }
        return n;
    }

    private static <R> List<R> drain(ResultIterator<R> it) {
        List<R> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void mapReturnsResultsInInputOrder() throws Exception { // gevent P21
        try (Hub hub = new Hub()) {
            List<Integer> squares = hub.invoke(() -> new Pool(2).map(x -> x * x, range(6)));
            assertEquals(List.of(0, 1, 4, 9, 16, 25), squares);
        }
    }

    @Test
    void mapKeepsInputOrderWhenItemsCompleteOutOfOrder() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> results = hub.invoke(() -> new Pool(3).map(PoolMapTest::yieldThenReturn, List.of(10, 1, 2, 0)));
            assertEquals(List.of(10, 1, 2, 0), results);
        }
    }

    @Test
    void imapUnorderedYieldsInCompletionOrder() throws Exception { // gevent P21c
        try (Hub hub = new Hub()) {
            List<Integer> results = hub.invoke(() -> drain(new Pool(3).imapUnordered(PoolMapTest::yieldThenReturn,
                    List.of(10, 1, 2))));
            assertEquals(List.of(1, 2, 10), results);
        }
    }

    @Test
    void imapUnorderedOnAPoolOfOneIsInputOrder() throws Exception { // gevent P21d
        try (Hub hub = new Hub()) {
            List<Integer> results = hub.invoke(() -> drain(new Pool(1).imapUnordered(PoolMapTest::yieldThenReturn,
                    List.of(10, 1, 2))));
            assertEquals(List.of(10, 1, 2), results);
        }
    }

    @Test
    void imapYieldsInInputOrder() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> results = hub.invoke(() -> drain(new Pool(3).imap(PoolMapTest::yieldThenReturn,
                    List.of(10, 1, 2, 5, 0))));
            assertEquals(List.of(10, 1, 2, 5, 0), results);
        }
    }

    @Test
    void mapThrowsTheFirstFailureKillsTheRestAndFreesEverySlot() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(3);
                Semaphore never = new Semaphore(0);
                IllegalStateException boom = new IllegalStateException("item 1");
                List<Integer> cleanedUp = new ArrayList<>();
                ExecutionException e = assertThrows(ExecutionException.class, () -> pool.map(i -> {
                    if (i == 1) {
                        Fiber.yieldNow();
                        throw boom;
                    }
                    try {
                        never.acquire();
                    } finally {
                        cleanedUp.add(i);
                    }
                    return i;
                }, range(10)));
                assertSame(boom, e.getCause());
                assertEquals(List.of(0, 2), cleanedUp, "the items in flight were killed and waited for");
                assertTrue(pool.isEmpty());
                assertEquals(3, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void imapThrowsAFailureAtItsPositionAndTheIterationGoesOn() throws Exception { // gevent TestErrorInHandler
        try (Hub hub = new Hub()) {
            List<String> seen = hub.invoke(() -> {
                List<String> out = new ArrayList<>();
                Pool pool = new Pool(2);
                try (ResultIterator<Integer> it = pool.imap(i -> {
                    if (i == 2) {
                        throw new IllegalArgumentException("bad item 2");
                    }
                    return yieldThenReturn(i);
                }, range(5))) {
                    while (it.hasNext()) {
                        try {
                            out.add("ok " + it.next());
                        } catch (CompletionException e) {
                            out.add("failed: " + e.getCause().getMessage());
                        }
                    }
                }
                assertEquals(2, pool.freeCount());
                return out;
            });
            assertEquals(List.of("ok 0", "ok 1", "failed: bad item 2", "ok 3", "ok 4"), seen);
        }
    }

    @Test
    void imapNeverHasMoreThanThePoolSizeInFlight() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(3);
                int[] started = {0};
                ResultIterator<Integer> it = pool.imap(i -> {
                    started[0]++;
                    return i;
                }, range(100));
                assertEquals(0, it.next());
                for (int i = 0; i < 5; i++) {
                    Fiber.yieldNow(); // the tasks in flight finish; nobody consumes them
                }
                assertEquals(3, started[0], "one consumed, then topped up to 3 in flight, no more");
                assertEquals(1, it.next());
                Fiber.yieldNow();
                assertEquals(4, started[0]);
                it.close();
                assertFalse(it.hasNext());
                assertThrows(NoSuchElementException.class, it::next);
                assertEquals(3, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void closingAnImapEarlyKillsTheTasksInFlight() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(2);
                Semaphore gate = new Semaphore(0);
                List<Integer> killed = new ArrayList<>();
                ResultIterator<Integer> it = pool.imapUnordered(i -> {
                    if (i == 0) {
                        return 0;
                    }
                    try {
                        gate.acquire();
                    } finally {
                        killed.add(i);
                    }
                    return i;
                }, range(10));
                assertEquals(0, it.next()); // item 1 is in flight, parked; the next call would top up
                it.close();
                assertEquals(List.of(1), killed);
                assertTrue(pool.isEmpty());
                assertEquals(2, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void killingTheConsumerKillsItsTasks() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(2);
                Semaphore gate = new Semaphore(0);
                Fiber<List<Integer>> consumer = Fiber.spawn(() -> pool.map(i -> {
                    gate.acquire();
                    return i;
                }, range(10)));
                Fiber.yieldNow();
                assertEquals(2, pool.size());
                consumer.kill();
                consumer.join();
                pool.join();
                assertTrue(consumer.isCancelled());
                assertEquals(2, pool.freeCount());
                return null;
            });
        }
    }

    @Test
    void aThreadMapsOverAPoolOfAHub() throws Exception {
        try (Hub hub = new Hub()) {
            Pool pool = new Pool(4, hub);
            assertEquals(List.of(0, 2, 4, 6, 8, 10), pool.map(i -> 2 * yieldThenReturn(i), range(6)));
            assertEquals(4, pool.freeCount());
        }
    }

    @Test
    void mappingAnEmptyInputReturnsNothing() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Pool pool = new Pool(2);
                assertEquals(List.of(), pool.map(i -> i, List.<Integer>of()));
                ResultIterator<Integer> it = pool.imap(i -> i, List.<Integer>of());
                assertFalse(it.hasNext());
                assertInstanceOf(NoSuchElementException.class, assertThrows(NoSuchElementException.class, it::next));
                return null;
            });
        }
    }
}
