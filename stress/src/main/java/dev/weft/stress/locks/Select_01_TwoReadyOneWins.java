package dev.weft.stress.locks;

import dev.weft.fibers.Fiber;
import dev.weft.locks.channels.Channel;
import dev.weft.locks.channels.Select;
import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Select guarantee 1. When two channels of a waiting select become ready at the same
 * moment, exactly one clause wins: the select takes one item, and the other item stays in its
 * channel (the losing registration consumed nothing).
 *
 * Interleaving: the state's constructor starts a fiber on hub 0 that selects over receives
 * from two empty buffered(1) channels a and b, and waits (one node linked in each, sharing one
 * owner state; the fiber yields once, then parks). Then two platform threads send at once, one
 * to a, one to b: each, under its own channel's lock, writes its item into the select's node
 * and CASes the shared owner state; the loser finds the node decided and buffers its item
 * instead. The arbiter waits for the fiber to end and reports the winning clause and the items
 * left in a and b.
 *
 * Run: ./weft stress quick Select_01
 */
@JCStressTest
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "The select took a's item; b's item stayed in b.")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The select took b's item; a's item stayed in a.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both clauses consumed an item (one is lost), none did, or the select hung.")
@Description("Two channels becoming ready at once: a select resolves exactly one clause, the other item stays.")
@State
public class Select_01_TwoReadyOneWins {
    private final Channel<String> a = Channel.buffered(1);
    private final Channel<String> b = Channel.buffered(1);
    private volatile int won = -1;
    private final Fiber<Void> selector = ActorCarrier.unstarted(() -> {
        try {
            won = Select.select(a.onReceive(), b.onReceive()).index();
        } catch (InterruptedException e) {
            throw new AssertionError("a fiber is never interrupted", e);
        }
    });

    {
        ActorCarrier.startAndAwaitSuspension(selector); // registered (then yielding or parked) before the actors run
    }

    @Actor
    public void sendToA() {
        a.trySend("a");
    }

    @Actor
    public void sendToB() {
        b.trySend("b");
    }

    @Arbiter
    public void outcome(III_Result r) {
        r.r1 = ActorCarrier.awaitEnd(selector) ? won : -1;
        r.r2 = a.size();
        r.r3 = b.size();
    }
}
