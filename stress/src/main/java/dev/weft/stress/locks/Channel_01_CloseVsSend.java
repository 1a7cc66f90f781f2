package dev.weft.stress.locks;

import dev.weft.fibers.Fiber;
import dev.weft.locks.channels.Channel;
import dev.weft.locks.channels.ChannelClosedException;
import dev.weft.stress.harness.ActorCarrier;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Channel guarantee 3, close vs a waiting send. A send that is waiting when the channel
 * is closed either delivered its item (a receiver took it first: the send returns) or fails
 * with ChannelClosedException (the item was not delivered): never both, and the item is never
 * lost (a send that returns was received).
 *
 * Interleaving: the state's constructor starts a fiber on hub 0 that sends on a rendezvous
 * channel and waits (its node linked in the channel's senders; the fiber yields once, then
 * parks). Then one platform thread takes the item with tryReceive() (claims the node: unlink,
 * CAS WAITING -> won, unpark) while the other closes the channel (decides every linked node as
 * closed: flag, CAS, unpark). The arbiter waits for the fiber to end and reports what the
 * receiver got, how the send ended, and whether an item was left in the channel.
 *
 * Run: ./weft stress quick Channel_01
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The receiver took the item first; the send returned.")
@Outcome(id = "0, 2, 0", expect = ACCEPTABLE, desc = "The close came first; the send failed and delivered nothing.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Delivered and failed, or returned and lost, or the sender hung.")
@Description("A close racing a receive of a waiting send: the send either delivers or fails, never both, never lost.")
@State
public class Channel_01_CloseVsSend {
    private final Channel<String> channel = Channel.rendezvous();
    /** 1: the send returned; 2: it threw ChannelClosedException. */
    private volatile int sendOutcome;
    private final Fiber<Void> sender = ActorCarrier.unstarted(() -> {
        try {
            channel.send("item");
            sendOutcome = 1;
        } catch (ChannelClosedException closed) {
            sendOutcome = 2;
        } catch (InterruptedException e) {
            throw new AssertionError("a fiber is never interrupted", e);
        }
    });

    {
        ActorCarrier.startAndAwaitSuspension(sender); // linked (then yielding or parked) before the actors run
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
        } catch (ChannelClosedException drained) {
            return 0;
        }
    }

    @Arbiter
    public void outcome(III_Result r) {
        r.r2 = ActorCarrier.awaitEnd(sender) ? sendOutcome : -1;
        r.r3 = receivedNow();
    }
}
