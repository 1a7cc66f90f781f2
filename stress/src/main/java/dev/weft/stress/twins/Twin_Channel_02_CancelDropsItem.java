package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Channel_02_TimedReceiveVsSend;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Channel_02_TimedReceiveVsSend's shape (a
 * platform thread's timed receive on an empty buffered(1) channel vs a send swept across its
 * deadline) on BrokenChannel with CANCEL_DROPS_ITEM: at its deadline the receive tries to
 * cancel its node and returns null even when it lost that CAS, i.e. when the sender had just
 * handed it the item. The item is then neither returned nor left in the channel: outcome
 * "0, 0", the lost item that Channel_02 forbids.
 *
 * Run: ./weft stress quick Twin_Channel_02
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The receive got the item (before or at its deadline).")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The receive timed out; the item stayed in the channel.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The item was lost or duplicated.")
@Description("Negative control of Channel_02: a timed receive that drops an item handed over at its deadline.")
@NegativeControl(of = Channel_02_TimedReceiveVsSend.class, defect = "a timed receive that loses the race to cancel returns null and drops the handed-over item")
@State
public class Twin_Channel_02_CancelDropsItem {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final long timeoutNanos = 1 + (sample & 255);
    private final int lateness = ((sample >>> 8) & 63) * 16;
    private final BrokenChannel<String> channel = new BrokenChannel<>(BrokenChannel.Defect.CANCEL_DROPS_ITEM, 1);

    @Actor
    public void receiver(II_Result r) {
        r.r1 = channel.receive(timeoutNanos) != null ? 1 : 0;
    }

    @Actor
    public void sender() {
        for (int i = 0; i < lateness; i++) {
            Thread.onSpinWait(); // sweeps the send across the receiver's deadline
        }
        if (!channel.trySend("item")) {
            throw new AssertionError("a buffered(1) channel that holds nothing refused an item");
        }
    }

    @Arbiter
    public void left(II_Result r) {
        r.r2 = channel.size();
    }
}
