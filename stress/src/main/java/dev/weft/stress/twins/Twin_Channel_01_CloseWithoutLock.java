package dev.weft.stress.twins;

import dev.weft.fibers.Fiber;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.locks.Channel_01_CloseVsSend;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Channel_01_CloseVsSend's shape (a fiber's
 * send waits on a rendezvous channel; one thread receives it while the other closes the
 * channel) on BrokenChannel with CLOSE_WITHOUT_LOCK: close() decides the waiting senders after
 * giving the channel's lock back, so it can mark the sender's node closed while the receiver
 * claims it. The sender then sees its item taken and the closed flag, and throws although
 * its item was delivered: outcome "1, 2, 0", which Channel_01 forbids.
 *
 * Run: ./weft stress quick Twin_Channel_01
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The receiver took the item first; the send returned.")
@Outcome(id = "0, 2, 0", expect = ACCEPTABLE, desc = "The close came first; the send failed and delivered nothing.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Delivered and failed, or returned and lost, or the sender hung.")
@Description("Negative control of Channel_01: a close that decides waiting senders without the channel's lock.")
@NegativeControl(of = Channel_01_CloseVsSend.class, defect = "close() marks and decides the waiting senders outside the channel's lock")
@State
public class Twin_Channel_01_CloseWithoutLock {
    private final BrokenChannel<String> channel = new BrokenChannel<>(BrokenChannel.Defect.CLOSE_WITHOUT_LOCK, 0);
    private volatile int sendOutcome;
    private final Fiber<Void> sender = ActorCarrier.unstarted(() -> {
        try {
            channel.send("item");
            sendOutcome = 1;
        } catch (IllegalStateException closed) {
            sendOutcome = 2;
        }
    });

    {
        ActorCarrier.startAndAwaitSuspension(sender); // linked and parked before the actors run
    }

    @Actor
    public void receiver(III_Result r) {
        r.r1 = receivedNow();
    }

    @Actor
    public void closer() {
        channel.close();
    }

    private int receivedNow() {
        try {
            return channel.tryReceive() != null ? 1 : 0;
        } catch (IllegalStateException drained) {
            return 0;
        }
    }

    @Arbiter
    public void outcome(III_Result r) {
        r.r2 = ActorCarrier.awaitEnd(sender) ? sendOutcome : -1;
        r.r3 = receivedNow();
    }
}
