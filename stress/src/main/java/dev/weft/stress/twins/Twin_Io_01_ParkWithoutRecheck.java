package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.LoopbackPairs;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Io_01_ReadinessVsWait;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Io_01_ReadinessVsWait's race (a platform
 * thread blocking to read a loopback socket vs the peer's byte) on BrokenThreadPoller with
 * PARK_WITHOUT_RECHECK: the poller unparks the reader only if it already marked itself parked,
 * and the reader marks itself parked and parks without re-checking its waiter. When the
 * poller marks the waiter READY between the reader's registration and its park, nobody unparks
 * it: it sleeps through the byte until its own limit, which is Io_01's lost wake-up.
 *
 * Shape: as Io_01 (reader actor leases a pair and reads; writer actor waits for the lease, then
 * writes 0 to 31.5 us late), but the reader's limit is
 * 20 ms, not 2 s: the broken reader would sleep forever, the limit only ends the sample, and
 * BrokenThreadPoller reports the wait it slept through (READY, never unparked), so the outcome
 * does not depend on the limit's length.
 *
 * Run: ./weft stress quick Twin_Io_01
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The reader got the byte and was woken for it.")
@Outcome(id = "2", expect = FORBIDDEN, desc = "Lost wake-up: the poller marked the reader READY but never unparked it.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "The read timed out although the byte had been sent.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The read failed otherwise.")
@Description("Negative control of Io_01: a reader that parks without re-checking its waiter.")
@NegativeControl(of = Io_01_ReadinessVsWait.class, defect = "the poller skips the unpark of a strand not yet parked, which parks without re-checking")
@State
public class Twin_Io_01_ParkWithoutRecheck {
    private static final BrokenThreadPoller POLLER = new BrokenThreadPoller(BrokenThreadPoller.Defect.PARK_WITHOUT_RECHECK);
    private static final long LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long lateness = (SAMPLES.incrementAndGet() & 63) * 500L;
    private volatile LoopbackPairs.Pair pair;
    private int outcome = -1;

    @Actor
    public void reader() {
        LoopbackPairs.Pair p = LoopbackPairs.lease();
        pair = p;
        try {
            BrokenThreadPoller.Outcome o = POLLER.read(p.channel, ByteBuffer.allocate(1), LIMIT_NANOS);
            outcome = switch (o) {
                case READ -> BrokenThreadPoller.lastWaitWasReadyButNotWoken() ? 2 : 1;
                case TIMED_OUT -> 0;
                case CLOSED -> -2;
            };
        } catch (IOException e) {
            outcome = -3;
        }
        if (outcome == 1 || outcome == 2) {
            LoopbackPairs.giveBack(p);
        } else {
            LoopbackPairs.discard(p);
        }
    }

    @Actor
    public void writer() {
        ActorCarrier.awaitFlag(() -> pair != null);
        for (long end = System.nanoTime() + lateness; System.nanoTime() < end; ) {
            Thread.onSpinWait();
        }
        pair.peerWrite((byte) 42);
    }

    @Arbiter
    public void outcome(I_Result r) {
        r.r1 = outcome;
    }
}
