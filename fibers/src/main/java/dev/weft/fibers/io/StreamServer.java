package dev.weft.fibers.io;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.Strand;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP server that runs a handler for each connection in a fiber of its own: gevent's
 * {@code StreamServer}.
 * <pre>{@code
 * try (StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 7000), socket -> {
 *     var in = socket.inputStream();
 *     var out = socket.outputStream();
 *     in.transferTo(out);
 * })) {
 *     server.serveForever();
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>One fiber per connection</b>, spawned by the accept fiber on the scheduler given to
 *       {@link #start(Scheduler)} (by default the caller's: its fiber's scheduler, or the
 *       default hub from a thread). The connection is closed when the handler returns or
 *       throws.</li>
 *   <li><b>Failures are reported once and do not stop the server.</b> A handler that throws
 *       ends its fiber failed; nobody joins that fiber, so the fiber runtime reports it once
 *       to {@link Fiber#setFailureHandler the failure handler}.</li>
 *   <li><b>Pool limit.</b> With a limit of {@code n > 0}, at most {@code n} handlers run at
 *       once; while {@code n} do, the server accepts nothing, and new connections wait in the
 *       listen backlog (128 by default).</li>
 *   <li><b>{@link #stopAccepting()}</b> stops the accept fiber at its next wait (one accept
 *       already past its wait may still complete); the listener stays bound, and connections
 *       queue in its backlog until {@link #startAccepting()}.</li>
 *   <li><b>{@link #stop(Duration)}</b> closes the listener, waits up to the grace period for
 *       running handlers to return, then kills the rest, closes their sockets and waits for
 *       their fibers to end. Idempotent; after it, {@link #serveForever()} returns. Failures
 *       of handlers killed by a stop are not reported: the stop caused them.</li>
 * </ol>
 */
public final class StreamServer implements AutoCloseable {
    /** The grace period of {@link #close()}: gevent's {@code stop_timeout}. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(1);

    /** Serves one connection; the server closes it afterwards. */
    @FunctionalInterface
    public interface Handler {
        void handle(FiberSocket connection) throws Exception;
    }

    private final InetSocketAddress address;
    private final int backlog;
    private final int poolLimit;
    private final Handler handler;

    /** Running handlers' connections. */
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final ConcurrentLinkedQueue<Strand> stopWaiters = new ConcurrentLinkedQueue<>();

    /** Guarded by this. */
    private Scheduler scheduler;
    /** Set once by start, under this; read by the accept fiber and stop. */
    private volatile FiberServerSocket listener;
    private Fiber<Void> acceptor;
    private boolean stopping;

    /** The accept fiber while it waits for the pool to have room: handlers that end wake it. */
    private final AtomicReference<Strand> waitingAcceptor = new AtomicReference<>();
    /** The strand in stop's grace period: handlers that end wake it. */
    private volatile Strand stopper;
    private volatile boolean stopped;

    /** A server without a pool limit, with a backlog of 128. */
    public StreamServer(InetSocketAddress address, Handler handler) {
        this(address, FiberServerSocket.DEFAULT_BACKLOG, 0, handler);
    }

    /**
     * A server.
     *
     * @param backlog   the listen backlog
     * @param poolLimit the most handlers that may run at once; 0 for no limit
     */
    public StreamServer(InetSocketAddress address, int backlog, int poolLimit, Handler handler) {
        this.address = Objects.requireNonNull(address, "address");
        this.handler = Objects.requireNonNull(handler, "handler");
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
        }
        if (poolLimit < 0) {
            throw new IllegalArgumentException("poolLimit must be 0 (no limit) or positive, was " + poolLimit);
        }
        this.backlog = backlog;
        this.poolLimit = poolLimit;
    }

    /** Binds and starts accepting on the caller's scheduler. See {@link #start(Scheduler)}. */
    public void start() throws IOException {
        Fiber<?> me = Fiber.current();
        start(me != null ? me.scheduler() : Scheduler.defaultScheduler());
    }

    /**
     * Binds the listener and starts accepting: the accept fiber and every handler fiber run on
     * {@code scheduler}. Returns without waiting.
     *
     * @throws IllegalStateException if the server was started before
     * @throws RejectedExecutionException if {@code scheduler} is closed; nothing was bound
     *                                    (and the server may be started on another scheduler)
     * @throws java.net.BindException if the address cannot be bound
     */
    public synchronized void start(Scheduler scheduler) throws IOException {
        Objects.requireNonNull(scheduler, "scheduler");
        if (this.scheduler != null || stopping) {
            throw new IllegalStateException(this + " was started or stopped before: a server starts once");
        }
        if (scheduler.isClosed()) {
            throw closed(scheduler, null);
        }
        listener = FiberServerSocket.bind(address, backlog);
        this.scheduler = scheduler;
        try {
            startAccepting();
        } catch (RejectedExecutionException e) { // closed since the check above: unbind again
            closeQuietly(listener);
            listener = null;
            this.scheduler = null;
            throw closed(scheduler, e);
        }
    }

    private RejectedExecutionException closed(Scheduler scheduler, Throwable cause) {
        return new RejectedExecutionException(this + " cannot start on " + scheduler + ": the scheduler is closed, "
                + "so it could run no accept fiber; nothing is bound. Start the server on an open scheduler.", cause);
    }

    /** Starts the server if it is not started, and waits until it is {@link #stop stopped}. */
    public void serveForever() throws IOException {
        synchronized (this) {
            if (scheduler == null) {
                start();
            }
        }
        Strand me = Strand.current();
        stopWaiters.add(me);
        boolean interrupted = false;
        while (!stopped) {
            Strand.park(this);
            if (!me.isFiber() && Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The bound address, with its actual port. @throws IllegalStateException before start */
    public synchronized InetSocketAddress address() throws IOException {
        if (listener == null) {
            throw new IllegalStateException(this + " is not started: it has no address yet");
        }
        return listener.localAddress();
    }

    /** How many handlers are running now. */
    public int activeConnections() {
        return active.get();
    }

    /** How many connections have been handed to a handler since start. */
    public int servedConnections() {
        return served.get();
    }

    /** Stops accepting at the accept fiber's next wait; the listener stays bound. Idempotent. */
    public synchronized void stopAccepting() {
        if (acceptor != null) {
            acceptor.kill();
            acceptor = null;
        }
    }

    /** Accepts again after {@link #stopAccepting()}; does nothing if accepting or stopped. */
    public synchronized void startAccepting() {
        if (scheduler == null) {
            throw new IllegalStateException(this + " is not started: call start() first");
        }
        if (acceptor == null && !stopping) {
            acceptor = scheduler.spawn("StreamServer-accept", this::acceptLoop);
        }
    }

    /**
     * Stops the server: closes the listener, waits up to {@code grace} for running handlers to
     * return, kills the rest and closes their sockets, and waits until their fibers ended.
     * Idempotent. Called from a handler, it neither waits for nor kills that handler.
     */
    public void stop(Duration grace) {
        long deadline = FiberSocket.deadline(Objects.requireNonNull(grace, "grace"));
        Fiber<Void> a;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            a = acceptor;
            acceptor = null;
        }
        try {
            if (listener != null) {
                closeQuietly(listener);
            }
            if (a != null && a != Strand.current()) {
                a.kill();
                joinUninterruptibly(List.of(a)); // no handler is spawned after this
            }
            awaitHandlers(deadline);
            killHandlers();
        } finally {
            stopped = true;
            for (Strand w; (w = stopWaiters.poll()) != null; ) {
                w.unpark();
            }
        }
    }

    /** {@link #stop(Duration) Stops} with the {@link #DEFAULT_STOP_GRACE default grace period}. */
    @Override
    public void close() {
        stop(DEFAULT_STOP_GRACE);
    }

    private void awaitHandlers(long deadline) {
        Strand me = Strand.current();
        stopper = me;
        try {
            while (othersRunning(me)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                Strand.parkNanos(this, left);
            }
        } finally {
            stopper = null;
        }
    }

    private boolean othersRunning(Strand me) {
        for (Connection c : connections) {
            if (c.fiber != me) {
                return true;
            }
        }
        return false;
    }

    private void killHandlers() {
        Strand me = Strand.current();
        List<Fiber<Void>> killed = new ArrayList<>();
        for (Connection c : connections) {
            if (c.fiber != me) {
                c.fiber.kill();
                closeQuietly(c.socket); // wakes a handler blocked in its socket
                killed.add(c.fiber);
            }
        }
        joinUninterruptibly(killed);
    }

    private static void joinUninterruptibly(List<Fiber<Void>> fibers) {
        boolean interrupted = false;
        for (;;) {
            try {
                Fiber.joinAll(fibers);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the accept fiber

    private void acceptLoop() {
        Strand me = Strand.current();
        for (;;) {
            awaitRoom(me);
            FiberSocket socket;
            try {
                socket = listener.accept();
            } catch (SocketException e) {
                if (!listener.isOpen()) {
                    return; // stopped
                }
                throw new java.io.UncheckedIOException("StreamServer on " + address + " stopped accepting", e);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("StreamServer on " + address + " stopped accepting", e);
            }
            dispatch(socket);
        }
    }

    /** Parks while the pool is full. */
    private void awaitRoom(Strand me) {
        if (poolLimit == 0 || active.get() < poolLimit) {
            return;
        }
        waitingAcceptor.set(me);
        try {
            // NOTE: waitingAcceptor is published before active is read again; a handler that
            // ends decrements active before it reads waitingAcceptor: no lost wake-up.
            while (active.get() >= poolLimit) {
                Strand.park(this);
            }
        } finally {
            waitingAcceptor.compareAndSet(me, null); // a successor accept fiber may have taken the slot
        }
    }

    private void dispatch(FiberSocket socket) {
        Connection c = new Connection(socket);
        active.incrementAndGet();
        connections.add(c);
        served.incrementAndGet();
        try {
            c.fiber = scheduler.spawn("StreamServer-handler-" + served.get(), () -> serve(c));
        } catch (RuntimeException e) {
            closeQuietly(socket);
            finished(c);
            throw e;
        }
    }

    private Void serve(Connection c) throws Exception {
        try {
            handler.handle(c.socket);
            return null;
        } finally {
            try {
                closeQuietly(c.socket);
            } finally {
                finished(c);
            }
        }
    }

    private void finished(Connection c) {
        connections.remove(c);
        active.decrementAndGet();
        Strand a = waitingAcceptor.get();
        if (a != null) {
            a.unpark();
        }
        Strand s = stopper;
        if (s != null) {
            s.unpark();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort: the descriptor is released either way
        }
    }

    @Override
    public String toString() {
        return "StreamServer[" + address + (poolLimit > 0 ? ", pool " + poolLimit : "") + "]";
    }

    /** A running handler and its socket. */
    private static final class Connection {
        final FiberSocket socket;
        /** Set by the accept fiber right after the spawn; read by stop after it joined that fiber. */
        volatile Fiber<Void> fiber;

        Connection(FiberSocket socket) {
            this.socket = socket;
        }
    }
}
