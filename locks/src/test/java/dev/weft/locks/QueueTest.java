package dev.weft.locks;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.MultiCarrierScheduler;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.locks.Strands.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queue family behaviour: gevent's scenarios (probes P10, P11; test__queue) as the main fiber of
 * a {@link Hub}, in gevent's exact order; thread waiters are waited for through
 * {@link Queue#waitingTakers()}, never by sleeping.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class QueueTest {

    /** P10: three blocked getters, put a, b, c: served in wait order. */
    @Test
    void blockedTakersAreServedInWaitOrder() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                Queue<String> q = new Queue<>();
                List<String> out = new ArrayList<>();
                List<Fiber<?>> takers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int id = i;
                    takers.add(Fiber.spawn(() -> out.add(id + " " + take(q))));
                }
                Fiber.yieldNow();
                assertEquals(3, q.waitingTakers());
                q.put("a");
                q.put("b");
                q.put("c");
                out.add("putter continued");
                assertEquals(0, q.size(), "each item was handed to a taker");
                Fiber.joinAll(takers);
                return out;
            });
            assertEquals(List.of("putter continued", "0 a", "1 b", "2 c"), log);
        }
    }

    /** P10b: a timed take on an empty queue returns null (gevent raises Empty) and leaves nothing. */
    @Test
    void timedTakeOnEmptyQueueReturnsNull() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>();
                assertNull(q.poll(Duration.ofMillis(10)));
                assertNull(q.poll());
                assertEquals(0, q.waitingTakers());
                q.put("x");
                assertEquals("x", q.poll(Duration.ofMillis(10)));
                return null;
            });
        }
    }

    /** P10c: LifoQueue and PriorityQueue order for puts 3, 1, 2. */
    @Test
    void lifoAndPriorityOrder() throws Exception {
        Queue<Integer> lifo = new LifoQueue<>();
        Queue<Integer> prio = new PriorityQueue<>();
        Queue<Integer> reversed = new PriorityQueue<>(Comparator.reverseOrder());
        for (int i : new int[] {3, 1, 2}) {
            lifo.put(i);
            prio.put(i);
            reversed.put(i);
        }
        assertEquals(List.of(2, 1, 3), List.of(lifo.take(), lifo.take(), lifo.take()));
        assertEquals(List.of(1, 2, 3), List.of(prio.take(), prio.take(), prio.take()));
        assertEquals(List.of(3, 2, 1), List.of(reversed.take(), reversed.take(), reversed.take()));
    }

    /** P10d: iteration takes items until the queue is closed and drained. */
    @Test
    void iterationEndsWhenClosedAndDrained() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> got = hub.invoke(() -> {
                Queue<Integer> q = new Queue<>();
                Fiber<List<Integer>> consumer = Fiber.spawn(() -> {
                    List<Integer> out = new ArrayList<>();
                    for (int i : q) {
                        out.add(i);
                    }
                    return out;
                });
                q.put(1);
                q.put(2);
                q.close();
                return consumer.get();
            });
            assertEquals(List.of(1, 2), got);
        }
    }

    /** test__queue test_max_size (P11, P11b): back-pressure of a bounded queue. */
    @Test
    void test_max_size() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>(2);
                List<String> results = new ArrayList<>();
                Fiber<String> putter = Fiber.spawn(() -> {
                    q.put("a");
                    results.add("a");
                    q.put("b");
                    results.add("b");
                    q.put("c");
                    results.add("c");
                    return "OK";
                });
                Fiber.yieldNow();
                assertEquals(List.of("a", "b"), results);
                assertEquals(1, q.waitingPutters());
                assertEquals("a", q.take());
                Fiber.yieldNow();
                assertEquals(List.of("a", "b", "c"), results);
                assertEquals("b", q.take());
                assertEquals("c", q.take());
                assertTrue(putter.isDone());
                assertEquals("OK", putter.get());
                return null;
            });
        }
    }

    /** test__queue test_waiters_that_cancel: a getter cut by a Timeout leaves; the next put stays queued. */
    @Test
    void test_waiters_that_cancel() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>();
                Fiber<String> bail = Fiber.spawn(() -> {
                    try (Timeout t = Timeout.after(Duration.ofMillis(10))) {
                        return q.take();
                    } catch (TimeoutExpired e) {
                        return "timed out";
                    }
                });
                assertEquals("timed out", bail.get());
                assertEquals(0, q.waitingTakers());
                q.put("hi");
                assertEquals("hi", q.take());
                return null;
            });
        }
    }

    /**
     * test__queue test_two_waiters_one_dies: the first of two takers is killed, then an item is
     * put before it ran (so it is handed to the doomed taker): it passes the item on.
     */
    @Test
    void test_two_waiters_one_dies() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>();
                Fiber<String> dying = Fiber.spawn(() -> q.take());
                Fiber<String> waiting = Fiber.spawn(() -> q.take());
                Fiber.yieldNow();
                dying.kill();
                q.put("hi");
                assertEquals("hi", waiting.get());
                assertTrue(dying.isCancelled());
                assertEquals(0, q.size());
                return null;
            });
        }
    }

    @Test
    void killedTakerHandedAnItemWithNoOtherTakerPutsItBackAtTheHead() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>();
                Fiber<String> dying = Fiber.spawn(() -> q.take());
                Fiber.yieldNow();
                dying.kill();
                q.put("first");
                q.put("second");
                dying.join();
                assertTrue(dying.isCancelled());
                assertEquals(List.of("first", "second"), List.of(q.take(), q.take()));
                return null;
            });
        }
    }

    @Test
    void killedPutterLeavesWithoutPuttingItsItem() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>(1);
                q.put("kept");
                Fiber<Void> putter = Fiber.spawn(() -> put(q, "dropped"));
                Fiber.yieldNow();
                putter.kill();
                putter.join();
                assertTrue(putter.isCancelled());
                assertEquals(0, q.waitingPutters());
                assertEquals("kept", q.take());
                assertNull(q.poll(), "the killed putter's item was not put");
                return null;
            });
        }
    }

    @Test
    void killedPutterWhoseItemWasAcceptedMeanwhileLeavesItQueued() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>(1);
                q.put("first");
                Fiber<Void> putter = Fiber.spawn(() -> put(q, "second"));
                Fiber.yieldNow();
                putter.kill();
                assertEquals("first", q.take(), "the take moves the putter's item in before the putter ran");
                putter.join();
                assertTrue(putter.isCancelled(), "the kill is still thrown");
                assertEquals("second", q.poll(), "and the accepted item is queued exactly once");
                assertNull(q.poll());
                return null;
            });
        }
    }

    @Test
    void interruptedThreadTakerLeavesWithInterruptedException() throws Exception {
        Queue<String> q = new Queue<>();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread taker = Strands.platform("interrupted-taker", () -> {
            try {
                outcome.set(q.take());
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        awaitCondition(() -> q.waitingTakers() == 1);
        taker.interrupt();
        taker.join();
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertEquals(0, q.waitingTakers());
        q.put("stays");
        assertEquals("stays", q.poll());
    }

    @Test
    void blockedPuttersAreServedInWaitOrder() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.put(0);
                List<Fiber<Void>> putters = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    int item = i;
                    putters.add(Fiber.spawn(() -> put(q, item)));
                }
                Fiber.yieldNow();
                assertEquals(3, q.waitingPutters());
                assertFalse(q.offer(99), "a non-blocking put does not overtake blocked putters");
                List<Integer> got = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    got.add(q.take());
                }
                assertEquals(List.of(0, 1, 2, 3), got);
                Fiber.joinAll(putters);
                return null;
            });
        }
    }

    @Test
    void pollDoesNotBargePastABlockedTaker() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>();
                Fiber<String> taker = Fiber.spawn(() -> q.take());
                Fiber.yieldNow();
                q.put("x");
                assertNull(q.poll(), "the item went to the blocked taker");
                assertEquals("x", taker.get());
                return null;
            });
        }
    }

    @Test
    void timedPutOnFullQueueReturnsFalseAndLeavesNothing() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> q = new Queue<>(1);
                q.put("a");
                assertFalse(q.offer("b", Duration.ofMillis(10)));
                assertFalse(q.offer("b"));
                assertEquals(0, q.waitingPutters());
                assertEquals(List.of("a"), List.of(q.take()));
                assertTrue(q.isEmpty());
                return null;
            });
        }
    }

    @Test
    void closeDrainsThenSignalsTakersAndRefusesPutters() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Queue<String> bounded = new Queue<>(1);
                bounded.put("left");
                Fiber<Throwable> blockedPutter = Fiber.spawn(() -> thrownBy(() -> bounded.put("refused")));
                Fiber.yieldNow();
                bounded.close();
                assertInstanceOf(QueueClosedException.class, blockedPutter.get());
                assertThrows(QueueClosedException.class, () -> bounded.put("late"));
                assertEquals("left", bounded.take(), "items left are still taken after close");
                assertThrows(QueueClosedException.class, bounded::take);
                assertThrows(QueueClosedException.class, bounded::poll);

                Queue<String> empty = new Queue<>();
                Fiber<Throwable> blockedTaker = Fiber.spawn(() -> thrownBy(empty::take));
                Fiber.yieldNow();
                empty.close();
                assertInstanceOf(QueueClosedException.class, blockedTaker.get());
                return null;
            });
        }
    }

    @Test
    void joinableQueueJoinWaitsForEveryTaskDone() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                JoinableQueue<Integer> q = new JoinableQueue<>();
                List<String> out = new ArrayList<>();
                Fiber<Void> worker = Fiber.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        int item = take(q);
                        Fiber.yieldNow();
                        out.add("done " + item);
                        q.taskDone();
                    }
                });
                assertTrue(q.join(Duration.ZERO), "nothing put yet");
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                }
                assertEquals(3, q.unfinishedTasks());
                q.join();
                out.add("joined");
                worker.join();
                assertThrows(IllegalStateException.class, q::taskDone);
                return out;
            });
            assertEquals(List.of("done 0", "done 1", "done 2", "joined"), log);
        }
    }

    @Test
    void platformThreadAndFiberShareTheQueue() throws Exception {
        Queue<Integer> q = new Queue<>(1);
        AtomicReference<Object> threadGot = new AtomicReference<>();
        Thread taker = Strands.platform("queue-taker", () -> {
            try {
                threadGot.set(q.take() + q.take());
            } catch (InterruptedException e) {
                threadGot.set(e);
            }
        });
        try (Hub hub = new Hub()) {
            Fiber<Integer> fiberTaker = hub.spawn(() -> q.take());
            awaitCondition(() -> q.waitingTakers() == 2);
            Fiber<Void> producer = hub.spawn(() -> {
                for (int i = 1; i <= 3; i++) {
                    put(q, i);
                }
            });
            producer.join();
            int fiberGot = fiberTaker.get();
            taker.join();
            assertEquals(6, fiberGot + (Integer) threadGot.get(), "each of 1, 2, 3 taken exactly once");
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void misuseFailsLoudly() {
        assertThrows(IllegalArgumentException.class, () -> new Queue<>(0));
        assertThrows(IllegalArgumentException.class, () -> new LifoQueue<>(-1));
        assertThrows(NullPointerException.class, () -> new Queue<String>().offer(null));
    }

    /**
     * The shape that hung both carriers of the soak while {@link Queue} used a Java monitor (it now takes
     * a spin lock, dev.weft.fibers.internal.sync.SpinLock):
     * patched and plain fibers of one {@code MultiCarrierScheduler(2)} putting and taking on one
     * queue. Every item put is taken, and everybody ends. (A smoke test, not a reproducer: with
     * the monitor it did not hang in the runs made here, the last with 8 + 8 fibers and 400,000 items; the
     * hang needs both carriers parked in the monitor at once. The soak's item flows are the
     * reproducer, and run this configuration in every CI.)
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
    void aQueueSharedByPatchedAndPlainFibersKeepsMoving() throws Exception {
        Queue<Integer> queue = new Queue<>(4);
        int perSide = 4;
        int items = 5_000;
        long[] sums = new long[2 * perSide];
        List<Fiber<?>> fibers = new ArrayList<>();
        try (MultiCarrierScheduler s = new MultiCarrierScheduler(2)) {
            for (int p = 0; p < perSide; p++) {
                CheckedRunnable producer = () -> {
                    for (int i = 1; i <= items; i++) {
                        queue.put(i);
                    }
                };
                int slot = p;
                CheckedRunnable consumer = () -> {
                    for (int i = 0; i < items; i++) {
                        sums[slot] += queue.take();
                    }
                };
                fibers.add(p % 2 == 0 ? s.spawn(producer) : Monkey.spawn(s, producer));
                fibers.add(p % 2 == 0 ? Monkey.spawn(s, consumer) : s.spawn(consumer));
            }
            for (Fiber<?> f : fibers) {
                f.get();
            }
        }
        long total = 0;
        for (long x : sums) {
            total += x;
        }
        assertEquals((long) perSide * items * (items + 1) / 2, total, "items lost or duplicated");
        assertTrue(queue.isEmpty());
    }

    /** What {@code body} throws, or null: keeps an expected failure away from the fiber failure handler. */
    private static Throwable thrownBy(Executable body) {
        try {
            body.execute();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static <E> E take(Queue<E> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static <E> void put(Queue<E> q, E item) {
        try {
            q.put(item);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
