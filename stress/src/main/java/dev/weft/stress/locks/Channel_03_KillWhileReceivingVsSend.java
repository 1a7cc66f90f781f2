package dev.weft.stress.locks;

import dev.weft.fibers.Fiber;
import dev.weft.locks.channels.Channel;
import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Channel guarantee 4, a killed receiver. A fiber killed while it waits in receive()
 * gives up its place; if an item was handed to it at that same moment, it puts the item back
 * into the channel. Either way the item is never lost and never received twice.
 *
 * Interleaving: the state's constructor starts a fiber on hub 0 that receives from an empty
 * buffered(1) channel (its node linked; it yields once, then parks). Then one platform thread
 * kills the fiber while the other sends an item: the send hands the item to the waiting node
 * (CAS WAITING -> won) or, if the kill made the fiber cancel first (CAS WAITING -> CANCELLED),
 * buffers it. A fiber that lost the cancel CAS holds the item and gives it back to the channel
 * before its FiberExit propagates; one that returned from receive() before the kill reached it
 * records the item. The arbiter waits for the fiber to end and reports whether it got the item
 * and how many items are left in the channel.
 *
 * Run: ./weft stress quick Channel_03
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The fiber received the item before the kill reached it.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The fiber was killed; the item is in the channel (never taken, or given back).")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The item was lost or duplicated, or the fiber did not end.")
@Description("A kill racing a send to a waiting receiver neither loses nor duplicates the item.")
@State
public class Channel_03_KillWhileReceivingVsSend {
    private final Channel<String> channel = Channel.buffered(1);
    private volatile int got;
    private final Fiber<Void> receiver = ActorCarrier.unstarted(() -> {
        try {
            channel.receive();
            got = 1;
        } catch (InterruptedException e) {
            throw new AssertionError("a fiber is never interrupted", e);
        }
    });

    {
        ActorCarrier.startAndAwaitSuspension(receiver); // linked (then yielding or parked) before the actors run
    }

    @Actor
    public void killer() {
        receiver.kill();
    }

    @Actor
    public void sender() {
        if (!channel.trySend("item")) {
            throw new AssertionError("a buffered(1) channel that holds nothing refused an item");
        }
    }

    @Arbiter
    public void outcome(II_Result r) {
        r.r1 = ActorCarrier.awaitEnd(receiver) ? got : -1;
        r.r2 = channel.size();
    }
}
