package dev.weft.locks.channels;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channel behaviour, deterministically: fiber scenarios run as the main fiber of a {@link Hub}
 * (gevent's exact ordering); thread waiters are waited for through the channel's waiter
 * counts, never by sleeping.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class ChannelTest {

    /** gevent test__queue.py TestChannel.test_send, probe P12. */
    @Test
    void rendezvousSendOrderIsGevents() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> events = hub.invoke(() -> {
                Channel<String> channel = Channel.rendezvous();
                List<String> out = new ArrayList<>();
                Fiber<Void> another = Fiber.spawn(() -> {
                    out.add(channel.receive());
                    out.add(channel.receive());
                    return null;
                });
                out.add("sending");
                channel.send("hello");
                out.add("sent hello");
                channel.send("world");
                out.add("sent world");
                another.join();
                return out;
            });
            assertEquals(List.of("sending", "hello", "sent hello", "world", "sent world"), events);
        }
    }

    /** gevent test__queue.py TestChannel.test_wait. */
    @Test
    void rendezvousReceiveOrderIsGevents() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.rendezvous();
                List<String> events = new ArrayList<>();
                Fiber<Void> another = Fiber.spawn(() -> {
                    events.add("sending hello");
                    channel.send("hello");
                    events.add("sending world");
                    channel.send("world");
                    events.add("sent world");
                    return null;
                });
                events.add("waiting");
                events.add(channel.receive());
                events.add(channel.receive());
                assertEquals(List.of("waiting", "sending hello", "hello", "sending world", "world"), events);
                Fiber.yieldNow();
                assertEquals(List.of("waiting", "sending hello", "hello", "sending world", "world", "sent world"),
                        events);
                another.join();
                return null;
            });
        }
    }

    /** gevent test__queue.py TestChannel.test_iterable, with close() as the end of the stream. */
    @Test
    void iterationEndsWhenTheChannelIsClosed() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> got = hub.invoke(() -> {
                Channel<Integer> channel = Channel.rendezvous();
                Fiber<Void> producer = Fiber.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        channel.send(i);
                    }
                    channel.close();
                    return null;
                });
                List<Integer> out = new ArrayList<>();
                for (int i : channel) {
                    out.add(i);
                }
                producer.join();
                return out;
            });
            assertEquals(List.of(0, 1, 2), got);
        }
    }

    @Test
    void rendezvousSendWaitsForAReceiver() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.rendezvous();
                assertFalse(channel.trySend("x"), "no receiver waits: a rendezvous send cannot complete now");
                assertNull(channel.tryReceive());
                Fiber<Void> sender = Fiber.spawn(() -> {
                    channel.send("x");
                    return null;
                });
                Fiber.yieldNow();
                assertEquals(1, channel.waitingSenders());
                assertFalse(sender.isDone(), "the send waits for a receiver");
                assertEquals("x", channel.tryReceive(), "a waiting sender's item can be taken without waiting");
                sender.join();
                assertEquals(0, channel.waitingSenders());
                return null;
            });
        }
    }

    @Test
    void bufferedSendsDoNotSwitchUntilTheBufferIsFull() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                Channel<Integer> channel = Channel.buffered(2);
                List<String> out = new ArrayList<>();
                Fiber<Void> consumer = Fiber.spawn(() -> {
                    for (int i : channel) {
                        out.add("got " + i);
                    }
                    return null;
                });
                for (int i = 0; i < 4; i++) {
                    channel.send(i);
                    out.add("sent " + i);
                }
                channel.close();
                consumer.join();
                return out;
            });
            // 0 and 1 fill the buffer without switching; 2 waits until the consumer made room, and
            // the consumer's first receive moves it into the buffer, so the consumer drains 0-2
            // before it waits and the sender runs again; 3 is then handed to the waiting consumer
            // without a switch (only a rendezvous send yields to the receiver).
            assertEquals(List.of("sent 0", "sent 1", "got 0", "got 1", "got 2", "sent 2", "sent 3", "got 3"), log);
        }
    }

    @Test
    void waitingSendersAndReceiversAreServedInArrivalOrder() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<Integer> channel = Channel.rendezvous();
                List<Integer> received = Collections.synchronizedList(new ArrayList<>());
                List<Fiber<Void>> receivers = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int id = i;
                    receivers.add(Fiber.spawn(() -> {
                        received.add(id * 100 + channel.receive());
                        return null;
                    }));
                }
                Fiber.yieldNow();
                assertEquals(5, channel.waitingReceivers());
                for (int i = 0; i < 5; i++) {
                    channel.send(i);
                }
                Fiber.joinAll(receivers);
                assertEquals(List.of(0, 101, 202, 303, 404), received, "receiver k got item k");

                Channel<Integer> buffered = Channel.buffered(1);
                buffered.send(-1);
                List<Fiber<Void>> senders = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int item = i;
                    senders.add(Fiber.spawn(() -> {
                        buffered.send(item);
                        return null;
                    }));
                }
                Fiber.yieldNow();
                assertEquals(5, buffered.waitingSenders());
                assertFalse(buffered.trySend(99), "a later send does not barge past the waiting ones");
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    order.add(buffered.receive());
                }
                assertEquals(List.of(-1, 0, 1, 2, 3, 4), order);
                Fiber.joinAll(senders);
                return null;
            });
        }
    }

    @Test
    void closeLetsReceiversDrainThenSignalsTheEnd() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.buffered(3);
                channel.send("a");
                channel.send("b");
                assertTrue(channel.close());
                assertFalse(channel.close(), "closing twice changes nothing");
                assertTrue(channel.isClosed());
                ChannelClosedException onSend = assertThrows(ChannelClosedException.class, () -> channel.send("c"));
                assertNull(onSend.getCause());
                assertThrows(ChannelClosedException.class, () -> channel.trySend("c"));
                assertEquals("a", channel.receive());
                assertEquals("b", channel.tryReceive());
                ChannelClosedException end = assertThrows(ChannelClosedException.class, channel::receive);
                assertNull(end.getCause(), "closed as done");
                assertThrows(ChannelClosedException.class, channel::tryReceive);
                assertThrows(ChannelClosedException.class, () -> channel.receive(Duration.ofSeconds(1)));
                assertFalse(channel.iterator().hasNext());
                return null;
            });
        }
    }

    @Test
    void closeWithAnErrorReachesEveryReceiverAfterTheDrain() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.buffered(2);
                channel.send("last");
                IllegalStateException boom = new IllegalStateException("producer failed");
                channel.close(boom);
                List<String> seen = new ArrayList<>();
                ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> {
                    for (String s : channel) {
                        seen.add(s);
                    }
                });
                assertEquals(List.of("last"), seen);
                assertSame(boom, e.getCause());
                assertSame(boom, assertThrows(ChannelClosedException.class, channel::receive).getCause());
                assertSame(boom, assertThrows(ChannelClosedException.class, () -> channel.send("x")).getCause());
                return null;
            });
        }
    }

    @Test
    void closeFailsWaitingSendersAndWakesWaitingReceivers() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> full = Channel.buffered(1);
                full.send("kept");
                Fiber<Throwable> sender = Fiber.spawn(() -> {
                    try {
                        full.send("refused");
                        return null;
                    } catch (ChannelClosedException e) {
                        return e;
                    }
                });
                Channel<String> empty = Channel.rendezvous();
                Fiber<Throwable> receiver = Fiber.spawn(() -> {
                    try {
                        empty.receive();
                        return null;
                    } catch (ChannelClosedException e) {
                        return e;
                    }
                });
                Fiber.yieldNow();
                assertEquals(1, full.waitingSenders());
                assertEquals(1, empty.waitingReceivers());
                full.close();
                empty.close();
                assertTrue(sender.get() instanceof ChannelClosedException, "the waiting send failed");
                assertTrue(receiver.get() instanceof ChannelClosedException, "the waiting receive ended");
                assertEquals("kept", full.receive(), "the buffered item is still drained");
                assertEquals(0, full.waitingSenders());
                return null;
            });
        }
    }

    @Test
    void timedAndNonBlockingCallsGiveUpCleanly() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.buffered(1);
                assertNull(channel.receive(Duration.ofMillis(1)));
                assertNull(channel.receive(Duration.ZERO));
                assertNull(channel.receive(Duration.ofNanos(-1)), "a negative timeout does not wait either");
                assertTrue(channel.send("a", Duration.ofMillis(1)));
                assertFalse(channel.send("b", Duration.ofMillis(1)), "full");
                assertFalse(channel.send("b", Duration.ZERO));
                assertFalse(channel.trySend("b"));
                assertEquals(0, channel.waitingSenders(), "a timed-out send leaves nothing behind");
                assertEquals(0, channel.waitingReceivers());
                assertEquals("a", channel.receive(Duration.ofMillis(1)));
                assertEquals(0, channel.size());
                return null;
            });
        }
    }

    @Test
    void aKilledReceiverLeavesTheItemToTheNextOne() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.rendezvous();
                Fiber<String> first = Fiber.spawn(() -> channel.receive());
                Fiber<String> second = Fiber.spawn(() -> channel.receive());
                Fiber.yieldNow();
                assertEquals(2, channel.waitingReceivers());
                first.kill();
                first.join();
                assertTrue(first.isCancelled());
                assertEquals(1, channel.waitingReceivers(), "the killed receiver unlinked itself");
                channel.send("item");
                assertEquals("item", second.get());
                return null;
            });
        }
    }

    /** gevent test__queue.py test_two_waiters_one_dies, at the worst moment: killed as it is handed the item. */
    @Test
    void aReceiverKilledAsItIsHandedAnItemGivesItBack() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.buffered(1);
                Fiber<String> killed = Fiber.spawn(() -> channel.receive());
                Fiber<String> next = Fiber.spawn(() -> channel.receive());
                Fiber.yieldNow();
                assertTrue(channel.trySend("item"), "handed to the first receiver, which has not run yet");
                killed.kill();
                killed.join();
                assertTrue(killed.isCancelled());
                assertEquals("item", next.get(), "the item went on to the next receiver");
                assertEquals(0, channel.size());

                Fiber<String> alone = Fiber.spawn(() -> channel.receive());
                Fiber.yieldNow();
                assertTrue(channel.trySend("again"));
                alone.kill();
                alone.join();
                assertEquals(1, channel.size(), "nobody else waits: the item is buffered again");
                assertEquals("again", channel.receive());
                return null;
            });
        }
    }

    @Test
    void aRendezvousReceiverKilledAsAThreadHandsItAnItemGivesItBack() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.rendezvous();
                Fiber<String> killed = Fiber.spawn(() -> channel.receive());
                Fiber.yieldNow();
                // The thread's send hands the item over and returns (threads do not yield); the
                // receiver cannot run before the kill, since this fiber keeps the carrier.
                Thread sender = Thread.ofPlatform().start(() -> channel.trySend("item"));
                sender.join();
                assertEquals(0, channel.waitingReceivers(), "handed over");
                killed.kill();
                killed.join();
                assertTrue(killed.isCancelled());
                assertEquals("item", channel.tryReceive(), "given back to the channel");
                return null;
            });
        }
    }

    @Test
    void aKilledSenderDoesNotDeliverAndKeepsTheOthersInOrder() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<Integer> channel = Channel.rendezvous();
                List<Fiber<Void>> senders = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int item = i;
                    senders.add(Fiber.spawn(() -> {
                        channel.send(item);
                        return null;
                    }));
                }
                Fiber.yieldNow();
                senders.get(1).kill();
                senders.get(1).join();
                assertEquals(2, channel.waitingSenders());
                assertEquals(0, channel.receive());
                assertEquals(2, channel.receive());
                assertNull(channel.tryReceive());
                Fiber.joinAll(senders);
                return null;
            });
        }
    }

    @Test
    void aFiberTimeoutWhileWaitingLeavesNothingBehind() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> channel = Channel.rendezvous();
                assertThrows(TimeoutExpired.class, () -> {
                    try (Timeout t = Timeout.after(Duration.ofMillis(2))) {
                        channel.receive();
                    }
                });
                assertThrows(TimeoutExpired.class, () -> {
                    try (Timeout t = Timeout.after(Duration.ofMillis(2))) {
                        channel.send("never");
                    }
                });
                assertEquals(0, channel.waitingReceivers());
                assertEquals(0, channel.waitingSenders());
                assertNull(channel.tryReceive(), "the timed-out send delivered nothing");
                return null;
            });
        }
    }

    @Test
    void anInterruptedThreadGivesUpItsPlace() throws Exception {
        Channel<String> channel = Channel.rendezvous();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                channel.receive();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        awaitCondition(() -> channel.waitingReceivers() == 1);
        t.interrupt();
        t.join();
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        assertEquals(0, channel.waitingReceivers());
    }

    @Test
    void threadsFibersAndPatchedFibersShareAChannel() throws Exception {
        int perProducer = 2_000;
        Channel<Integer> channel = Channel.buffered(4);
        Channel<Integer> rendezvous = Channel.rendezvous();
        try (Hub hub = new Hub()) {
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        channel.send(i);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Fiber<Void> fiberProducer = hub.spawn(() -> {
                for (int i = 0; i < perProducer; i++) {
                    channel.send(perProducer + i);
                }
                return null;
            });
            Fiber<Void> relay = Monkey.spawn(hub, () -> {
                try {
                    for (int i = 0; i < 2 * perProducer; i++) {
                        rendezvous.send(channel.receive());
                    }
                    rendezvous.close();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            List<Integer> got = new ArrayList<>();
            for (int x : rendezvous) {
                got.add(x);
            }
            producer.join();
            fiberProducer.get();
            relay.get();
            assertEquals(2 * perProducer, got.size());
            int nextThread = 0;
            int nextFiber = perProducer;
            for (int x : got) {
                if (x < perProducer) {
                    assertEquals(nextThread++, x, "each producer's items arrive in its order");
                } else {
                    assertEquals(nextFiber++, x, "each producer's items arrive in its order");
                }
            }
        }
    }

    @Test
    void misuseFailsWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.buffered(0));
        assertTrue(e.getMessage().contains("rendezvous()"), e.getMessage());
        Channel<String> channel = Channel.buffered(1);
        assertThrows(NullPointerException.class, () -> channel.trySend(null));
        assertThrows(NullPointerException.class, () -> channel.send(null));
        assertThrows(NullPointerException.class, () -> channel.send(null, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> channel.send(null, Duration.ofMillis(1)));
        assertThrows(NullPointerException.class, () -> channel.onSend(null));
    }

    static void awaitCondition(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
