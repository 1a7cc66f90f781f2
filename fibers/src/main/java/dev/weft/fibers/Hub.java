package dev.weft.fibers;

import dev.weft.fibers.timer.TimerHeap;
import dev.weft.fibers.timer.TimerTask;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A scheduler with one carrier thread, a FIFO run queue and a timer heap: gevent's hub.
 *
 * <h2>Guarantees (gevent's order, exactly)</h2>
 * <ol>
 *   <li>Fibers start in spawn order. A fiber spawned by a fiber of this hub first runs when
 *       its spawner yields or blocks.</li>
 *   <li>{@link Fiber#yieldNow()} sends the caller to the tail of the run queue: every fiber
 *       that was runnable runs once before the caller continues.</li>
 *   <li>Waking a fiber (unpark, release, kill, a join completing) appends it to the run queue
 *       and never switches away from the waker.</li>
 *   <li>Timers with equal deadlines fire in the order they were set. Expired timers are
 *       fired, and fibers woken from other threads are taken in, between batches: a batch
 *       runs every fiber that was runnable when it began, once.</li>
 *   <li>When nothing is runnable the carrier sleeps until the next timer or a wake-up from
 *       another thread; it does not spin.</li>
 * </ol>
 * Only fibers that reach a suspension point let others run: a fiber that computes, or
 * blocks its carrier (plain {@code Thread.sleep}, socket I/O, a {@code synchronized} block
 * another fiber of this hub holds, a pinned park), stops the whole hub meanwhile.
 */
public final class Hub extends Scheduler {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final Thread carrier;
    private final boolean permanent;
    /** Fibers ready to run, in order. Only accessed by the carrier. */
    private final ArrayDeque<Fiber<?>> runQueue = new ArrayDeque<>(256);
    /** Fibers made ready by other threads; the carrier is its single consumer until terminated. */
    private final MessagePassingQueue<Fiber<?>> inbox = new MpscUnboundedVarHandleArrayQueue<>(256);
    /** Only accessed by the carrier. */
    private final TimerHeap timers = new TimerHeap();
    /** Started, unfinished fibers in start order: a list through Fiber.liveNext/livePrev. Carrier only. */
    private Fiber<?> liveHead;
    private Fiber<?> liveTail;
    private int liveCount;
    /** Whether close has killed every fiber. Carrier only. */
    private boolean killing;

    /** The carrier is asleep, or about to sleep, waiting for work: wake it with unpark. */
    private volatile boolean idle;
    private volatile boolean closing;
    /** The carrier has stopped: late arrivals in the inbox are abandoned under its lock. */
    private volatile boolean terminated;
    private final ConcurrentLinkedQueue<Strand> closeWaiters = new ConcurrentLinkedQueue<>();

    /** Creates a hub and starts its carrier, a daemon thread named {@code weft-hub-N}. */
    public Hub() {
        this("weft-hub-" + COUNT.incrementAndGet(), false);
    }

    /** Creates a hub whose carrier thread (a daemon) has the given name. */
    public Hub(String name) {
        this(name, false);
    }

    Hub(String name, boolean permanent) {
        this.permanent = permanent;
        this.carrier = Thread.ofPlatform().name(name).daemon().unstarted(this::runLoop);
        carrier.start();
    }

    /** The hub's carrier thread. */
    public Thread carrier() {
        return carrier;
    }

    @Override
    void admit(Fiber<?> f) {
        if (closing) {
            throw new RejectedExecutionException(this + " is closed: it spawns no more fibers");
        }
        submit(f);
    }

    @Override
    void submit(Fiber<?> f) {
        if (Thread.currentThread() == carrier) {
            runQueue.addLast(f);
            return;
        }
        inbox.offer(f);
        // NOTE: the offer is published before idle is read; the carrier publishes idle before
        // it looks at the inbox a last time. One of the two sees the other: no lost wake-up.
        if (terminated) {
            abandonLateArrivals();
        } else if (idle) {
            LockSupport.unpark(carrier);
        }
    }

    @Override
    void onStart(Fiber<?> f) {
        f.livePrev = liveTail;
        if (liveTail != null) {
            liveTail.liveNext = f;
        } else {
            liveHead = f;
        }
        liveTail = f;
        liveCount++;
    }

    @Override
    void onTerminate(Fiber<?> f) {
        if (f.livePrev != null) {
            f.livePrev.liveNext = f.liveNext;
        } else {
            liveHead = f.liveNext;
        }
        if (f.liveNext != null) {
            f.liveNext.livePrev = f.livePrev;
        } else {
            liveTail = f.livePrev;
        }
        f.liveNext = f.livePrev = null;
        liveCount--;
    }

    @Override
    void schedule(TimerTask task, long deadline) {
        timers.add(task, deadline);
    }

    @Override
    void cancel(TimerTask task) {
        timers.remove(task);
    }

    /** Timers armed now. Carrier only: ask from a fiber of this hub. */
    int pendingTimers() {
        return timers.size();
    }

    /** Started fibers that have not ended. Carrier only: ask from a fiber of this hub. */
    int liveFibers() {
        return liveCount;
    }

    private void runLoop() {
        for (;;) {
            drainInbox();
            if (!timers.isEmpty()) {
                timers.fireExpired(System.nanoTime());
            }
            int batch = runQueue.size();
            if (batch > 0) {
                do {
                    runQueue.pollFirst().runOnCarrier();
                } while (--batch > 0);
                continue;
            }
            if (closing) {
                if (!killing) {
                    killing = true;
                    killEverything();
                    continue;
                }
                if (liveCount == 0 && inbox.isEmpty()) {
                    break;
                }
            }
            waitForWork();
        }
        terminated = true;
        abandonLateArrivals();
        for (Strand waiter; (waiter = closeWaiters.poll()) != null; ) {
            waiter.unpark();
        }
    }

    private void drainInbox() {
        for (Fiber<?> f; (f = inbox.relaxedPoll()) != null; ) {
            if (killing) {
                f.kill();
            }
            runQueue.addLast(f);
        }
    }

    /** Kills in start order, then the fibers that never started, in queue order. */
    private void killEverything() {
        for (Fiber<?> f = liveHead; f != null; f = f.liveNext) {
            f.kill(); // a parked fiber is appended to the run queue, which is not being iterated here
        }
        for (Fiber<?> f : runQueue) {
            f.kill(); // queued fibers are not parked: this only marks them
        }
    }

    private void waitForWork() {
        idle = true;
        if (inbox.isEmpty() && !closing) {
            TimerTask next = timers.peek();
            if (next == null) {
                LockSupport.park(this);
            } else {
                long wait = next.deadline() - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
        }
        idle = false;
    }

    /** After the carrier stopped: fibers spawned by racing threads never run. */
    private void abandonLateArrivals() {
        synchronized (inbox) { // NOTE: keeps the inbox single-consumer once the carrier is gone
            for (Fiber<?> f; (f = inbox.poll()) != null; ) {
                f.abandon();
            }
        }
    }

    /**
     * Kills every unfinished fiber, waits until all have ended, and stops the carrier.
     *
     * @throws UnsupportedOperationException for the default hub, which lives as long as the JVM
     * @throws IllegalStateException if called from a fiber of this hub
     */
    @Override
    public void close() {
        if (permanent) {
            throw new UnsupportedOperationException("The default hub lives as long as the JVM and cannot be closed; "
                    + "spawn on a Hub of your own to control its lifetime");
        }
        requireNotOwnFiber("Hub.close()");
        if (terminated) {
            return;
        }
        closeWaiters.add(Strand.current());
        closing = true;
        LockSupport.unpark(carrier);
        awaitUninterruptibly(() -> terminated);
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    @Override
    public String toString() {
        return "Hub[" + carrier.getName() + "]";
    }
}
