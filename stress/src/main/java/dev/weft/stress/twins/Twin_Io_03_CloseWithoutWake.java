package dev.weft.stress.twins;

import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.harness.LoopbackPairs;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.fibers.Io_03_CloseVsBlockedReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Io_03_CloseVsBlockedReader's race (a platform
 * thread blocked reading a new loopback socket vs a close from the other actor) on
 * BrokenThreadPoller with CLOSE_WITHOUT_WAKE: close only closes the channel and trusts the
 * selector to report it. A selector never selects a cancelled key, so a reader parked on it
 * sleeps on (Io_03's hang), and the key stays registered until the poller's next select, so
 * close returns before the descriptor is released (Io_03's other forbidden outcome).
 *
 * Shape: as Io_03 (the reader takes a new pair, raises a flag and reads; the closer waits for
 * the flag, then 0 to 31.5 us or until the reader is parked, writes a byte on every other
 * sample, closes, records whether the channel is still registered), but the reader's limit is
 * 20 ms, not 2 s: the broken reader would sleep forever, the limit only ends the sample.
 *
 * Run: ./weft stress quick Twin_Io_03
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The reader got the byte written before the close; the descriptor was released when close returned.")
@Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "The reader found the socket closed; the descriptor was released when close returned.")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "Hang: the reader was not woken by the close (it timed out at its limit).")
@Outcome(id = "3, .*", expect = FORBIDDEN, desc = "Lost unpark: the reader found the data or the close only when its own limit woke it.")
@Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "close returned while the channel was still registered: its descriptor was not released yet.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "The read or the close failed otherwise.")
@Description("Negative control of Io_03: a close that does not wake the strands waiting on the channel.")
@NegativeControl(of = Io_03_CloseVsBlockedReader.class, defect = "close only closes the channel, trusting the selector to report the cancelled key")
@State
public class Twin_Io_03_CloseWithoutWake {
    private static final BrokenThreadPoller POLLER = new BrokenThreadPoller(BrokenThreadPoller.Defect.CLOSE_WITHOUT_WAKE);
    private static final long LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private final int sample = SAMPLES.incrementAndGet();
    private final long lateness = (sample & 63) * 500L;
    private final boolean writeFirst = (sample & 64) != 0;
    private final boolean onceParked = (sample & 128) != 0;
    private volatile Thread readerThread;
    private volatile LoopbackPairs.Pair pair;
    private int read = -1;
    private int registered = -1;

    @Actor
    public void reader() {
        LoopbackPairs.Pair p = LoopbackPairs.fresh();
        readerThread = Thread.currentThread();
        pair = p;
        long start = System.nanoTime();
        try {
            read = switch (POLLER.read(p.channel, ByteBuffer.allocate(1), LIMIT_NANOS)) {
                case READ -> 1;
                case CLOSED -> 2;
                case TIMED_OUT -> 0;
            };
        } catch (IOException e) {
            read = -3;
        }
        if (System.nanoTime() - start >= LIMIT_NANOS && read != 0) {
            read = 3; // whatever it found then, only its own limit woke it
        }
    }

    @Actor
    public void closer() {
        if (!ActorCarrier.awaitFlag(() -> pair != null)) {
            return;
        }
        LoopbackPairs.Pair p = pair;
        if (onceParked) {
            Thread t = readerThread;
            ActorCarrier.awaitFlag(() -> t.getState() == Thread.State.TIMED_WAITING); // parked in its read
        } else {
            for (long end = System.nanoTime() + lateness; System.nanoTime() < end; ) {
                Thread.onSpinWait();
            }
        }
        if (writeFirst) {
            p.peerWrite((byte) 42);
        }
        try {
            POLLER.close(p.channel);
            registered = p.registered() ? 1 : 0;
        } catch (IOException e) {
            registered = -3;
        }
        LoopbackPairs.discard(p);
    }

    @Arbiter
    public void outcome(II_Result r) {
        r.r1 = read;
        r.r2 = registered;
    }
}
