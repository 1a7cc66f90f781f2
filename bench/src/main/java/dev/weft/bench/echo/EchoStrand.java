package dev.weft.bench.echo;

import dev.weft.fibers.Fiber;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;

/**
 * A client or server strand of one echo exchange, whatever runs it: a Weft fiber (plain or
 * patched) or a JDK virtual thread. Its value is the number of correct replies it saw (0 for
 * a server strand).
 */
interface EchoStrand {
    /** How long a join waits before the exchange is declared stuck: far above any sane run. */
    Duration STUCK = Duration.ofMinutes(1);

    /** Waits up to {@code limit} for the strand to end. @return whether it ended */
    boolean join(Duration limit) throws InterruptedException;

    /** The value of an ended strand. @throws ExecutionException with what the strand threw */
    int value() throws InterruptedException, ExecutionException;

    /** Ends the strand at its current or next blocking call: a kill for a fiber, an interrupt for a thread. */
    void cancel();

    /** The strand of a Weft fiber. */
    static EchoStrand of(Fiber<Integer> fiber) {
        return new EchoStrand() {
            @Override
            public boolean join(Duration limit) throws InterruptedException {
                return fiber.join(limit);
            }

            @Override
            public int value() throws InterruptedException, ExecutionException {
                return fiber.get();
            }

            @Override
            public void cancel() {
                fiber.kill();
            }
        };
    }

    /**
     * Starts {@code task} on a thread made by {@code threads} (a factory, unlike a builder, may
     * be used by several threads at once). Its join waits for the thread's end, not only the
     * task's, so a joined strand has left nothing running.
     */
    static EchoStrand start(ThreadFactory threads, Callable<Integer> task) {
        FutureTask<Integer> future = new FutureTask<>(task);
        Thread thread = threads.newThread(future);
        thread.start();
        return new EchoStrand() {
            @Override
            public boolean join(Duration limit) throws InterruptedException {
                return thread.join(limit);
            }

            @Override
            public int value() throws InterruptedException, ExecutionException {
                return future.get();
            }

            @Override
            public void cancel() {
                thread.interrupt();
            }
        };
    }

    /**
     * Joins every strand and sums their values. If one failed, or one did not end within
     * {@link #STUCK}, cancels and joins all of them before throwing, so that a failed exchange
     * leaves nothing running either (a blocked socket call ends on a kill or an interrupt).
     *
     * @throws IllegalStateException if a strand failed or made no progress
     */
    static long joinAll(List<EchoStrand> strands) throws InterruptedException {
        long sum = 0;
        try {
            for (EchoStrand s : strands) {
                if (!s.join(STUCK)) {
                    throw new IllegalStateException("an echo strand did not end within " + STUCK);
                }
                sum += s.value();
            }
            return sum;
        } catch (ExecutionException e) {
            cancelAll(strands);
            throw new IllegalStateException("an echo strand failed: " + e.getCause(), e.getCause());
        } catch (RuntimeException | InterruptedException e) {
            cancelAll(strands);
            throw e;
        }
    }

    /** Cancels every strand and waits for each to end. */
    static void cancelAll(List<EchoStrand> strands) throws InterruptedException {
        strands.forEach(EchoStrand::cancel);
        for (EchoStrand s : strands) {
            s.join(STUCK);
        }
    }
}
