package dev.weft.fibers.io;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Strand;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs calls that would block a carrier (file I/O, JDBC, DNS, native code) on a small pool of
 * daemon threads while the calling fiber parks, and parks a fiber on a {@link CompletionStage}.
 * gevent's {@code threadpool} and Quasar's {@code FiberAsync.runBlocking}.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>The calling fiber blocks only itself: its carrier runs other fibers meanwhile. A
 *       thread that calls {@link #run} runs the call itself; one that calls {@link #await}
 *       blocks as a thread.</li>
 *   <li>The outcome is the call's or the stage's: its value, or its exception as it is
 *       (a {@link CompletionException} is unwrapped). Everything the call or the stage's
 *       completer did happens-before the return.</li>
 *   <li>A kill (or a {@code Timeout}) of the waiting fiber is thrown from the wait at once. The
 *       pool call is not interrupted and may finish later; its outcome is dropped.</li>
 *   <li>At most {@value #POOL_SIZE} calls run at once; more wait in an unbounded FIFO queue.
 *       Pool threads ({@code weft-blocking-N}) end after a minute without work.</li>
 * </ol>
 */
public final class Blocking {
    /** How many pool threads may run blocking calls at once: gevent's default threadpool size. */
    public static final int POOL_SIZE = 10;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = pool();

    private Blocking() {}

    private static ExecutorService pool() {
        ThreadPoolExecutor p = new ThreadPoolExecutor(POOL_SIZE, POOL_SIZE, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().name("weft-blocking-" + THREADS.incrementAndGet()).daemon().unstarted(r));
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /**
     * Runs {@code call} on the blocking pool and parks the calling fiber until it returns;
     * from a thread, calls it directly.
     *
     * @return what {@code call} returned
     * @throws Exception what {@code call} threw, as it is
     * @throws dev.weft.fibers.FiberExit if the calling fiber is killed while it waits
     */
    public static <V> V run(Callable<V> call) throws Exception {
        Objects.requireNonNull(call, "call");
        if (Fiber.current() == null) {
            return call.call();
        }
        CompletableFuture<V> f = new CompletableFuture<>();
        POOL.execute(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return await(f);
    }

    /**
     * Parks the calling strand until {@code stage} completes, and returns its value.
     *
     * @throws Exception the stage's exception, as it is (unwrapped from {@link CompletionException})
     * @throws InterruptedException if the calling thread is interrupted (never for fibers)
     * @throws dev.weft.fibers.FiberExit if the calling fiber is killed while it waits
     */
    public static <V> V await(CompletionStage<V> stage) throws Exception {
        Objects.requireNonNull(stage, "stage");
        Strand me = Strand.current();
        Outcome<V> o = new Outcome<>();
        stage.whenComplete((v, t) -> {
            o.value = v;
            o.failure = t;
            o.done = true; // NOTE: publishes value and failure before the waiter can see done
            me.unpark();
        });
        while (!o.done) {
            Strand.park(stage);
            if (!me.isFiber() && Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for " + stage);
            }
        }
        Throwable t = o.failure;
        if (t == null) {
            return o.value;
        }
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof Exception e) {
            throw e;
        }
        throw (Error) t;
    }

    private static final class Outcome<V> {
        V value;
        Throwable failure;
        volatile boolean done;
    }
}
