package dev.weft.docs;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.fibers.Monkey;

import java.util.ArrayList;
import java.util.List;

/**
 * The source's §7, first part: 100 ordinary {@code Runnable}s that call {@code Thread.sleep(100)}
 * finish together, in about 0.1 s, on one carrier thread. The tasks are unchanged blocking
 * code; each runs as a patched fiber ({@link Monkey}) of one hub. gevent: {@code
 * monkey.patch_all()}, then 100 threads that call {@code time.sleep(0.1)}.
 */
public final class MonkeySleep {
    private MonkeySleep() {}

    /** Ordinary blocking code, as written for threads. */
    static Runnable sleeper(List<String> done, int id) {
        return () -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (done) {
                done.add("task " + id);
            }
        };
    }

    /** Runs the 100 sleepers on {@code hub}; returns the tasks that finished. */
    public static List<String> run(Hub hub) throws Exception {
        List<String> done = new ArrayList<>();
        List<Fiber<Void>> fibers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fibers.add(Monkey.spawn(hub, sleeper(done, i)::run));
        }
        Fiber.joinAll(fibers);
        return done;
    }
}
