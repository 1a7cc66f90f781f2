package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.LoopbackPairs;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Poller guarantee 2, no lost wake-up. A strand blocked reading a FiberSocket reads,
 * finds nothing, hands a waiter to the poller and parks; the peer's byte may arrive at any
 * point of that: before the read, between the read and the registration (the level-triggered
 * selector must still report it), between the registration and the park (the poller's
 * READY + unpark must leave the park permit), or after the park. In every case the reader must
 * get the byte; a reader that sleeps on with a byte waiting is the failure.
 *
 * Interleaving: the reader actor is a platform thread, so it waits on the JVM-wide thread
 * poller (weft-poller): the racing steps are that thread's registration and wake-up against
 * the reader's read, queueing, re-check and park. The reader reads one byte with a 2 s limit
 * (the bound that turns a hang into an outcome); the writer actor waits until the reader has
 * its pair (it is about to read), then writes one byte from the peer after 0 to 31.5 us
 * (varied per sample) that sweep the arrival across the reader's steps. The arbiter reports whether the byte came before the limit, after it (the reader slept
 * through its wake-up until its own deadline) or not at all.
 *
 * Sockets: a pool of pre-connected 127.0.0.1 pairs (LoopbackPairs). The reader leases one and
 * gives it back once it read the byte (a pair left unclean is closed at once), so only a pair
 * or two are open at a time; the pool closes them when the forked VM exits.
 *
 * Run: ./weft stress quick Io_01
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The reader got the byte before its limit.")
@Outcome(id = "2", expect = FORBIDDEN, desc = "Lost unpark: the reader got the byte only when its own 2 s limit woke it.")
@Outcome(id = "0", expect = FORBIDDEN, desc = "Lost wake-up: the read timed out after 2 s although the byte had been sent.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The read failed otherwise.")
@Description("A byte arriving while a reader blocks on a FiberSocket always wakes it.")
@State
public class Io_01_ReadinessVsWait {
    static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final long lateness = (SAMPLES.incrementAndGet() & 63) * 500L;
    private volatile LoopbackPairs.Pair pair;
    private int outcome = -1;

    @Actor
    public void reader() {
        LoopbackPairs.Pair p = LoopbackPairs.lease();
        pair = p;
        ByteBuffer one = ByteBuffer.allocate(1);
        long start = System.nanoTime();
        try {
            int n = p.socket.read(one, Duration.ofNanos(LIMIT_NANOS));
            outcome = n != 1 ? -2 : System.nanoTime() - start < LIMIT_NANOS ? 1 : 2;
        } catch (SocketTimeoutException e) {
            outcome = 0;
        } catch (IOException e) {
            outcome = -3;
        }
        if (outcome == 1) {
            LoopbackPairs.giveBack(p); // the byte was consumed and nobody waits
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
