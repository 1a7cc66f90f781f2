package dev.weft.locks.channels;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.weft.locks.channels.ChannelTest.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Select behaviour, deterministically on a {@link Hub}: exactly one clause wins, losers leave
 * no item consumed and no registration behind.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class SelectTest {

    @Test
    void whenSeveralClausesAreReadyExactlyTheFirstWins() throws Exception {
        Channel<String> a = Channel.buffered(1);
        Channel<String> b = Channel.buffered(1);
        a.send("a");
        b.send("b");
        Selected s = Select.select(a.onReceive(), b.onReceive());
        assertEquals(0, s.index());
        assertTrue(s.is(a.onReceive()));
        assertEquals("a", s.value(a.onReceive()));
        assertEquals(0, a.size());
        assertEquals(1, b.size(), "the losing clause consumed nothing");
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> s.value(b.onReceive()));
        assertTrue(wrong.getMessage().contains("is(clause)"), wrong.getMessage());
    }

    @Test
    void aWaitingSelectTakesTheFirstItemOfferedAndLeavesNoRegistration() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> a = Channel.rendezvous();
                Channel<Integer> b = Channel.buffered(1);
                Fiber<Selected> selector = Fiber.spawn(() -> Select.select(a.onReceive(), b.onReceive()));
                Fiber.yieldNow();
                assertEquals(1, a.waitingReceivers());
                assertEquals(1, b.waitingReceivers());
                assertTrue(b.trySend(7), "handed to the waiting select");
                assertTrue(a.waitingReceivers() <= 1, "a may still hold the loser until the select runs");
                Selected s = selector.get();
                assertSame(b.onReceive(), s.clause());
                assertEquals(7, s.value(b.onReceive()));
                assertEquals(0, a.waitingReceivers(), "the losing registration is gone");
                assertFalse(a.trySend("x"), "nobody receives on a any more");
                assertTrue(b.trySend(8));
                assertEquals(1, b.size(), "the next item stays in b");
                return null;
            });
        }
    }

    @Test
    void sendClausesSendToWhicheverChannelHasRoomOrAReceiver() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> a = Channel.rendezvous();
                Channel<String> b = Channel.rendezvous();
                Fiber<String> receiver = Fiber.spawn(() -> b.receive());
                Fiber.yieldNow();
                Selected s = Select.select(a.onSend("to a"), b.onSend("to b"));
                assertEquals(1, s.index());
                assertEquals("to b", receiver.get());
                assertEquals(0, a.waitingSenders());
                assertNull(a.tryReceive(), "the losing send clause sent nothing");

                Fiber<Selected> waiting = Fiber.spawn(() -> Select.select(a.onSend("x"), b.onSend("y")));
                Fiber.yieldNow();
                assertEquals(1, a.waitingSenders());
                assertEquals(1, b.waitingSenders());
                assertEquals("x", a.receive());
                assertEquals(0, waiting.get().index());
                assertEquals(0, b.waitingSenders());
                assertNull(b.tryReceive());
                return null;
            });
        }
    }

    @Test
    void selectNowIsTheDefaultBranch() throws Exception {
        Channel<String> a = Channel.rendezvous();
        Channel<String> b = Channel.buffered(1);
        assertNull(Select.selectNow(a.onReceive(), b.onReceive()));
        assertEquals(0, a.waitingReceivers());
        assertEquals(0, b.waitingReceivers());
        b.send("b");
        Selected s = Select.selectNow(a.onReceive(), b.onReceive());
        assertEquals("b", s.value(b.onReceive()));
        assertSame(b.onSend("full").channel(), b);
        assertEquals(0, Select.selectNow(b.onSend("fits"), a.onSend("no receiver")).index());
        assertNull(Select.selectNow(b.onSend("full"), a.onSend("no receiver")));
        assertEquals(0, a.waitingSenders());
    }

    @Test
    void aTimedSelectGivesUpAndLeavesNothingBehind() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> a = Channel.rendezvous();
                Channel<String> b = Channel.buffered(1);
                b.send("full");
                assertNull(Select.select(Duration.ofMillis(2), a.onReceive(), b.onSend("more")));
                assertEquals(0, a.waitingReceivers());
                assertEquals(0, b.waitingSenders());
                assertEquals(1, b.size());
                assertThrows(TimeoutExpired.class, () -> {
                    try (Timeout t = Timeout.after(Duration.ofMillis(2))) {
                        Select.select(a.onReceive(), b.onSend("more"));
                    }
                });
                assertEquals(0, a.waitingReceivers());
                assertEquals(0, b.waitingSenders());
                return null;
            });
        }
    }

    @Test
    void aKilledSelectLeavesNothingBehindAndGivesBackAnItemWonAsItDied() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> a = Channel.buffered(1);
                Channel<String> b = Channel.buffered(1);
                Fiber<Selected> killed = Fiber.spawn(() -> Select.select(a.onReceive(), b.onReceive()));
                Fiber.yieldNow();
                killed.kill();
                killed.join();
                assertTrue(killed.isCancelled());
                assertEquals(0, a.waitingReceivers());
                assertEquals(0, b.waitingReceivers());

                Fiber<Selected> wonAndKilled = Fiber.spawn(() -> Select.select(a.onReceive(), b.onReceive()));
                Fiber.yieldNow();
                assertTrue(b.trySend("item"), "handed to the select, which has not run yet");
                wonAndKilled.kill();
                wonAndKilled.join();
                assertTrue(wonAndKilled.isCancelled());
                assertEquals(0, a.waitingReceivers());
                assertEquals("item", b.tryReceive(), "the item went back to b");
                return null;
            });
        }
    }

    @Test
    void closedChannelsEndTheSelect() throws Exception {
        Channel<String> open = Channel.rendezvous();
        Channel<String> done = Channel.buffered(1);
        done.send("last");
        done.close();
        Selected first = Select.select(open.onReceive(), done.onReceive());
        assertEquals("last", first.value(done.onReceive()), "buffered items are drained first");
        Selected end = Select.select(open.onReceive(), done.onReceive());
        assertTrue(end.isClosed());
        assertThrows(ChannelClosedException.class, () -> end.value(done.onReceive()));
        assertThrows(ChannelClosedException.class, () -> Select.select(done.onSend("x"), open.onReceive()));
        assertEquals(0, open.waitingReceivers());
    }

    @Test
    void closingWakesAWaitingSelect() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<String> a = Channel.rendezvous();
                Channel<String> b = Channel.rendezvous();
                IllegalStateException boom = new IllegalStateException("boom");
                Fiber<Selected> receiving = Fiber.spawn(() -> Select.select(a.onReceive(), b.onReceive()));
                Fiber<Throwable> sending = Fiber.spawn(() -> {
                    try {
                        Select.select(b.onSend("never"));
                        return null;
                    } catch (ChannelClosedException e) {
                        return e;
                    }
                });
                Fiber.yieldNow();
                // The receiving select has been registered first, so the sending one paired with it.
                assertEquals("never", receiving.get().value(b.onReceive()));
                Fiber<Selected> again = Fiber.spawn(() -> Select.select(a.onReceive(), b.onReceive()));
                Fiber.yieldNow();
                a.close(boom);
                Selected s = again.get();
                assertTrue(s.isClosed());
                assertSame(boom, assertThrows(ChannelClosedException.class, () -> s.value(a.onReceive())).getCause());
                assertEquals(0, b.waitingReceivers());
                assertNull(sending.get());
                return null;
            });
        }
    }

    @Test
    void twoSelectsPairOnARendezvousChannel() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<Integer> a = Channel.rendezvous();
                Channel<Integer> b = Channel.rendezvous();
                Channel<Integer> c = Channel.rendezvous();
                Fiber<Selected> receiver = Fiber.spawn(() -> Select.select(a.onReceive(), b.onReceive()));
                Fiber.yieldNow();
                Selected sent = Select.select(c.onSend(0), b.onSend(1));
                assertEquals(1, sent.index());
                assertEquals(1, receiver.get().value(b.onReceive()));
                assertEquals(0, a.waitingReceivers());
                assertEquals(0, c.waitingSenders());
                return null;
            });
        }
    }

    @Test
    void theSameChannelMayAppearInTwoClauses() throws Exception {
        Channel<String> a = Channel.buffered(1);
        Selected s = Select.select(a.onReceive(), a.onSend("x"));
        assertEquals(1, s.index(), "nothing to receive, room to send");
        s = Select.select(a.onReceive(), a.onSend("y"));
        assertEquals("x", s.value(a.onReceive()));
    }

    @Test
    void selectsThatWinElsewhereDoNotPileUpInAChannel() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                Channel<Integer> idle = Channel.rendezvous();
                Channel<Integer> busy = Channel.rendezvous();
                Fiber<Void> producer = Fiber.spawn(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        busy.send(i);
                    }
                    return null;
                });
                int mostLinked = 0;
                for (int i = 0; i < 10_000; i++) {
                    Selected s = Select.select(idle.onReceive(), busy.onReceive());
                    assertEquals(i, s.value(busy.onReceive()));
                    mostLinked = Math.max(mostLinked, idle.waitingReceivers());
                }
                producer.join();
                assertEquals(0, mostLinked, "each select unlinked its losing node before it returned");
                return null;
            });
        }
    }

    @Test
    void aThreadSelectsWhileFibersSend() throws Exception {
        Channel<Integer> a = Channel.rendezvous();
        Channel<Integer> b = Channel.buffered(2);
        try (Hub hub = new Hub()) {
            Fiber<Void> sender = hub.spawn(() -> {
                for (int i = 0; i < 500; i++) {
                    (i % 2 == 0 ? a : b).send(i);
                }
                a.close();
                b.close();
                return null;
            });
            List<Integer> got = new ArrayList<>();
            int closed = 0;
            while (closed < 2) {
                Selected s = Select.select(a.onReceive(), b.onReceive());
                if (s.isClosed()) {
                    closed++;
                    awaitCondition(() -> (s.is(a.onReceive()) ? b : a).isClosed());
                    for (Integer x; (x = drainOrNull(s.is(a.onReceive()) ? b : a)) != null; ) {
                        got.add(x);
                    }
                    break;
                }
                got.add(s.is(a.onReceive()) ? s.value(a.onReceive()) : s.value(b.onReceive()));
            }
            sender.get();
            got.sort(null);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                expected.add(i);
            }
            assertEquals(expected, got, "every item received exactly once");
        }
    }

    private static Integer drainOrNull(Channel<Integer> c) {
        try {
            return c.tryReceive();
        } catch (ChannelClosedException drained) {
            return null;
        }
    }

    @Test
    void misuseFailsWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Select.select());
        assertTrue(e.getMessage().contains("onReceive()"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Select.selectNow((SelectClause<?>) null));
    }
}
