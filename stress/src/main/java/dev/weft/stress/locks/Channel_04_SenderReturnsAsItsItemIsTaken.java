package dev.weft.stress.locks;

import dev.weft.locks.channels.Channel;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Channel guarantee 4, "an item is never lost", where a receive claims a waiting sender.
 * Claiming the sender is a CAS on its node; once it is won the sender may see its call decided
 * at once (before it parks, or on a spurious wake-up), return, and recycle its node, which
 * clears the node's item. A receive that read the sender's item after that CAS could read the
 * cleared slot and buffer a null where the item was: the soak of 2026-12-03 lost one item in
 * 500,000 so. The receive must read the item before its CAS.
 *
 * Interleaving: a buffered(1) channel holds "a". One platform thread sends "b" (the buffer is
 * full: it links its node, reads its state, and parks); the other, after 0 to 1008 spins, takes
 * "a", which moves the waiting sender's "b" into the freed slot (or, if the send has not linked
 * yet, the send then buffers "b" itself). The lateness sweeps sample by sample, so that the
 * take's CAS regularly lands while the sender reads its state before parking. The arbiter takes
 * what is buffered: it must be "b".
 *
 * Run: ./weft stress quick Channel_04
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The receive got \"a\"; \"b\" was then buffered (moved in from the waiting sender, or sent after).")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "\"b\" was lost (a null buffered in its place) or \"a\" was not received.")
@Description("A sender that returns as soon as a receive claims it never loses its item to the receive.")
@State
public class Channel_04_SenderReturnsAsItsItemIsTaken {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int lateness = (SAMPLES.incrementAndGet() & 63) * 16;
    private final Channel<String> channel = Channel.buffered(1);

    {
        if (!channel.trySend("a")) {
            throw new AssertionError("a new buffered(1) channel refused its first item");
        }
    }

    @Actor
    public void sender() {
        try {
            channel.send("b");
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress interrupted the sender", e);
        }
    }

    @Actor
    public void receiver(II_Result r) {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the take across the sender's linking and parking
        }
        r.r1 = "a".equals(channel.tryReceive()) ? 1 : 0;
    }

    @Arbiter
    public void left(II_Result r) {
        r.r2 = "b".equals(channel.tryReceive()) ? 1 : 0;
    }
}
