package dev.weft.stress.twins;

import dev.weft.stress.NegativeControl;
import dev.weft.stress.locks.Channel_04_SenderReturnsAsItsItemIsTaken;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Channel_04_SenderReturnsAsItsItemIsTaken's
 * shape (a platform thread's send of "b" waiting on a full buffered(1) channel vs a take of "a"
 * swept across the send's linking and parking) on BrokenChannel with READ_AFTER_CAS: the take
 * reads the waiting sender's item after the CAS that lets the sender return and clear it. When
 * the CAS lands before the sender parks, a null is buffered in "b"'s place: outcome "1, 0", the
 * lost item that Channel_04 forbids.
 *
 * Run: ./weft stress quick Twin_Channel_04
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The receive got \"a\"; \"b\" was then buffered (moved in from the waiting sender, or sent after).")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "\"b\" was lost (a null buffered in its place) or \"a\" was not received.")
@Description("Negative control of Channel_04: a receive that reads a claimed sender's item after its CAS.")
@NegativeControl(of = Channel_04_SenderReturnsAsItsItemIsTaken.class, defect = "a receive reads the waiting sender's item after the CAS that lets the sender return and clear it")
@State
public class Twin_Channel_04_ReadAfterCas {
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int lateness = (SAMPLES.incrementAndGet() & 63) * 16;
    private final BrokenChannel<String> channel = new BrokenChannel<>(BrokenChannel.Defect.READ_AFTER_CAS, 1);

    {
        if (!channel.trySend("a")) {
            throw new AssertionError("a new buffered(1) channel refused its first item");
        }
    }

    @Actor
    public void sender() {
        channel.send("b");
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
