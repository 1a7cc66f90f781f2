package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;

/**
 * Producer/consumer with {@code if} instead of {@code while}: two consumers wait on a condition
 * while the buffer is empty, checking once; the producer adds one item and wakes all waiters
 * ({@code signalAll}). The first consumer takes the item; the second, not checking again, takes
 * from an empty buffer ({@link java.util.NoSuchElementException}).
 *
 * <p>Suspensions the bug needs: both consumers must wait on the condition before the producer adds
 * (the producer yields before producing). Fix: {@code while} instead of {@code if}.
 */
public final class ProducerConsumerIf implements CorpusBug {

    @Override
    public String origin() {
        return "classic (if instead of while around a condition wait)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        ArrayDeque<Integer> buffer = new ArrayDeque<>();
        ReentrantLock lock = new ReentrantLock();
        Condition notEmpty = lock.newCondition();
        Runnable consume = () -> {
            lock.lock();
            try {
                if (fixed) {
                    while (buffer.isEmpty()) {
                        notEmpty.awaitUninterruptibly();
                    }
                } else if (buffer.isEmpty()) {
                    notEmpty.awaitUninterruptibly();
                }
                buffer.removeFirst();
            } finally {
                lock.unlock();
            }
        };
        Actors.run(consume::run, consume::run, () -> {
            for (int item = 0; item < 2; item++) {
                Fiber.yieldNow();
                lock.lock();
                try {
                    buffer.addLast(item);
                    notEmpty.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
    }
}
