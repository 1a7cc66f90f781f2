package dev.weft.stress.locks;

import dev.weft.locks.channels.Channel;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Channel guarantee 4, a timed receive decided at its deadline. When the time runs out
 * just as a send hands an item to the waiting receive, the receive either returns the item, or
 * returns null and the item stays in the channel: never lost, never duplicated.
 *
 * Interleaving: one platform thread calls receive(timeout) on an empty buffered(1) channel (it
 * links its node and parks, then finds its deadline passed and tries to cancel: CAS WAITING ->
 * CANCELLED); the other calls trySend after 0 to 1008 spins (it hands the item to the waiting
 * node, CAS WAITING -> won, or buffers it if the receive already left). The timeout sweeps 1 to
 * 256 ns and the send's lateness steps of 16 spins, sample by sample, so that the send
 * regularly lands right at the receiver's cancel. The arbiter reads the items left.
 *
 * Run: ./weft stress quick Channel_02
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The receive got the item (before or at its deadline).")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The receive timed out; the item stayed in the channel.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The item was lost or duplicated.")
@Description("A timed receive racing a send at its deadline neither loses nor duplicates the item.")
@State
public class Channel_02_TimedReceiveVsSend {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final Duration timeout = Duration.ofNanos(1 + (sample & 255));
    private final int lateness = ((sample >>> 8) & 63) * 16;
    private final Channel<String> channel = Channel.buffered(1);

    @Actor
    public void receiver(II_Result r) {
        try {
            r.r1 = channel.receive(timeout) != null ? 1 : 0;
        } catch (InterruptedException e) {
            throw new AssertionError("jcstress interrupted the receiver", e);
        }
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
