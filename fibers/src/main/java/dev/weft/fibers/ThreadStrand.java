package dev.weft.fibers;

import java.util.concurrent.locks.LockSupport;

/**
 * A thread seen as a {@link Strand}. One instance per thread, so strands compare by identity
 * (a lock's owner check relies on this).
 */
final class ThreadStrand extends Strand {
    private static final ThreadLocal<ThreadStrand> CURRENT = ThreadLocal.withInitial(ThreadStrand::new);

    private final Thread thread;

    private ThreadStrand() {
        this.thread = Thread.currentThread();
    }

    static ThreadStrand ofCurrentThread() {
        return CURRENT.get();
    }

    @Override
    public void unpark() {
        LockSupport.unpark(thread);
    }

    @Override
    public boolean isFiber() {
        return false;
    }

    @Override
    public String name() {
        return thread.getName();
    }

    @Override
    public String toString() {
        return "Strand[" + thread + "]";
    }
}
