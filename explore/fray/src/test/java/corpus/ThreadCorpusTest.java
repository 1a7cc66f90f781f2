package corpus;

import org.junit.jupiter.api.extension.ExtendWith;
import org.pastalab.fray.junit.junit5.FrayTestExtension;
import org.pastalab.fray.junit.junit5.annotations.FrayTest;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Thread versions of three Weft corpus programs (LostUpdate, LockOrderDeadlock, BankTransfer) for
 * Fray; the numbers are in docs/simulation.md. The *Plain variants keep their shared state in plain
 * fields (a data race, outside Fray's model: not found); the others use atomics, whose accesses
 * are Fray's scheduling points.
 */
@ExtendWith(FrayTestExtension.class)
public class ThreadCorpusTest {

    @FrayTest(iterations = 1000)
    public void lostUpdate() throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();
        Runnable inc = () -> { int r = counter.get(); Thread.yield(); counter.set(r + 1); };
        Thread a = new Thread(inc), b = new Thread(inc);
        a.start(); b.start(); a.join(); b.join();
        if (counter.get() != 2) throw new AssertionError("lost update: " + counter);
    }

    static int plainCounter;

    @FrayTest(iterations = 1000)
    public void lostUpdatePlain() throws InterruptedException {
        plainCounter = 0;
        Runnable inc = () -> { int r = plainCounter; Thread.yield(); plainCounter = r + 1; };
        Thread a = new Thread(inc), b = new Thread(inc);
        a.start(); b.start(); a.join(); b.join();
        if (plainCounter != 2) throw new AssertionError("lost update: " + plainCounter);
    }

    static int[] plainBalance;

    @FrayTest(iterations = 1000)
    public void bankTransferPlain() throws InterruptedException {
        plainBalance = new int[] {100, 100};
        Thread a = new Thread(() -> transferPlain(0, 1, 10)), b = new Thread(() -> transferPlain(1, 0, 20));
        a.start(); b.start(); a.join(); b.join();
        if (plainBalance[0] + plainBalance[1] != 200) throw new AssertionError("money not conserved");
    }

    static void transferPlain(int from, int to, int amount) {
        int s = plainBalance[from]; plainBalance[from] = s - amount;
        int t = plainBalance[to]; plainBalance[to] = t + amount;
    }

    @FrayTest(iterations = 1000)
    public void lockOrderDeadlock() throws InterruptedException {
        ReentrantLock one = new ReentrantLock(), two = new ReentrantLock();
        Thread a = new Thread(() -> both(one, two)), b = new Thread(() -> both(two, one));
        a.start(); b.start(); a.join(); b.join();
    }

    static void both(ReentrantLock first, ReentrantLock second) {
        first.lock();
        try { second.lock(); second.unlock(); } finally { first.unlock(); }
    }

    static java.util.concurrent.atomic.AtomicIntegerArray balance;

    @FrayTest(iterations = 1000)
    public void bankTransfer() throws InterruptedException {
        balance = new java.util.concurrent.atomic.AtomicIntegerArray(new int[] {100, 100});
        Thread a = new Thread(() -> transfer(0, 1, 10)), b = new Thread(() -> transfer(1, 0, 20));
        a.start(); b.start(); a.join(); b.join();
        if (balance.get(0) + balance.get(1) != 200) throw new AssertionError("money not conserved");
    }

    static void transfer(int from, int to, int amount) {
        int s = balance.get(from); balance.set(from, s - amount);
        int t = balance.get(to); balance.set(to, t + amount);
    }
}
