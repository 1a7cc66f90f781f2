package dev.weft.stress.fibers;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.fibers.Fiber;
import dev.weft.stress.harness.LoopbackPairs;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * Why: Poller guarantee 3 (exactly one outcome per waiter) as a user sees it, and FiberSocket
 * guarantee 1 (a read that times out leaves the socket usable). A timed read's deadline races
 * the arrival of its data: the read either returns the byte, or throws SocketTimeoutException
 * and the byte is still there for the next read; never lost, never delivered twice.
 *
 * Interleaving: the reader is a plain fiber of ActorCarrier hub 0, so it waits on that hub's
 * carrier poller, and its deadline is a timer of the same hub: the racing steps are the hub
 * loop's poll of the selector (the poller's WAITING -> READY) against the firing of the
 * reader's deadline (the strand's WAITING -> CANCELLED), in whichever order the byte's arrival
 * puts them. The first actor starts the fiber, which leases a pair, raises a flag and reads
 * one byte with a limit of 5 to 80 us; the second actor waits for the flag and writes one byte
 * from the peer 0 to 75 us later (both varied per sample, independently, so the arrival falls
 * before the read, while it waits, at its deadline and after it). After a timeout the fiber
 * reads again with a 2 s limit (the bound that turns a lost byte into an outcome); after a
 * read it checks, without waiting, that nothing more is there.
 *
 * Sockets: pairs leased from LoopbackPairs by the fiber and given back when clean.
 *
 * Run: ./weft stress quick Io_02
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The timed read got the byte; nothing more is there.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The timed read timed out; the byte was still there for the next read.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost data: the read timed out and the byte never came.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The byte was delivered twice, the fiber hung, or a read failed otherwise.")
@Description("A timed read racing its data either gets it or times out leaving it readable.")
@State
public class Io_02_TimedReadVsData {
    private static final AtomicInteger SAMPLES = new AtomicInteger();
    private static final Duration FOLLOW_UP_LIMIT = Duration.ofSeconds(2);

    private final int sample = SAMPLES.incrementAndGet();
    private final Duration limit = Duration.ofNanos(5_000L + (sample & 15) * 5_000L);
    private final long lateness = ((sample >> 4) & 15) * 5_000L;
    private volatile LoopbackPairs.Pair pair;
    private int first = -1;
    private int second = -1;
    private final Fiber<Void> reader = ActorCarrier.unstarted(this::read);

    private void read() {
        LoopbackPairs.Pair p = LoopbackPairs.lease();
        pair = p;
        try {
            try {
                first = p.socket.read(ByteBuffer.allocate(1), limit) == 1 ? 1 : -2;
            } catch (SocketTimeoutException e) {
                first = 0;
            }
            try {
                Duration followUp = first == 0 ? FOLLOW_UP_LIMIT : Duration.ZERO;
                second = p.socket.read(ByteBuffer.allocate(1), followUp) == 1 ? 1 : -2;
            } catch (SocketTimeoutException e) {
                second = 0;
            }
        } catch (IOException e) {
            first = -3;
        }
        if (first + second == 1) {
            LoopbackPairs.giveBack(p);
        } else {
            LoopbackPairs.discard(p);
        }
    }

    @Actor
    public void carrier() {
        ActorCarrier.start(reader);
        ActorCarrier.awaitEnd(reader);
    }

    @Actor
    public void writer() {
        if (!ActorCarrier.awaitFlag(() -> pair != null)) {
            return;
        }
        for (long end = System.nanoTime() + lateness; System.nanoTime() < end; ) {
            Thread.onSpinWait();
        }
        pair.peerWrite((byte) 42);
    }

    @Arbiter
    public void outcome(II_Result r) {
        boolean ended = ActorCarrier.awaitEnd(reader);
        r.r1 = ended ? first : -4;
        r.r2 = ended ? second : -4;
    }
}
