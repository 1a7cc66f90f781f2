package dev.weft.stress.twins;

import dev.weft.fibers.Fiber;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.locks.Channel_03_KillWhileReceivingVsSend;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Channel_03_KillWhileReceivingVsSend's shape
 * (a fiber waits in receive() on an empty buffered(1) channel; one thread kills it while the
 * other sends) on BrokenChannel with KILL_DROPS_ITEM: a killed receive that lost the race to
 * cancel, because the sender had just handed it the item, rethrows the kill without giving the
 * item back. The item is then neither received nor in the channel: outcome "0, 0", which
 * Channel_03 forbids.
 *
 * Run: ./weft stress quick Twin_Channel_03
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The fiber received the item before the kill reached it.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The fiber was killed; the item is in the channel (never taken, or given back).")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The item was lost or duplicated, or the fiber did not end.")
@Description("Negative control of Channel_03: a killed receive that drops an item handed over at that moment.")
@NegativeControl(of = Channel_03_KillWhileReceivingVsSend.class, defect = "a killed receive that loses the race to cancel rethrows without giving the handed-over item back")
@State
public class Twin_Channel_03_KillDropsItem {
    private final BrokenChannel<String> channel = new BrokenChannel<>(BrokenChannel.Defect.KILL_DROPS_ITEM, 1);
    private volatile int got;
    private final Fiber<Void> receiver = ActorCarrier.unstarted(() -> {
        channel.receive();
        got = 1;
    });

    {
        ActorCarrier.startAndAwaitSuspension(receiver);
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
