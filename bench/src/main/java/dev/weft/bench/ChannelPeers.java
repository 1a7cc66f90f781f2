package dev.weft.bench;

import dev.weft.fibers.CheckedRunnable;
import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Event;
import dev.weft.locks.Queue;
import dev.weft.locks.channels.Channel;
import dev.weft.locks.channels.Select;
import dev.weft.locks.channels.SelectClause;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Exchanger;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Weft's channels and queues beside their peers (issue 13 §6): jox channels
 * ({@code com.softwaremill.jox:channels}) and {@code java.util.concurrent}'s
 * {@code SynchronousQueue}, {@code ArrayBlockingQueue(16)}, {@code Exchanger} and
 * {@code LinkedBlockingQueue} on virtual threads, in the shapes of jox's published benchmarks
 * ({@code bench/bench-java} of softwaremill/jox), plus the issue's own baselines. Every score is
 * the time of one item (one send matched by one receive), except where a method says otherwise.
 *
 * <p>Configurations, named by the method's suffix:
 * <ul>
 *   <li>{@code weftHub}: fibers on one Weft {@link Hub} (one carrier thread).</li>
 *   <li>{@code VtCustom1}: virtual threads whose only carrier is one platform thread
 *       ({@link OneCarrierVirtualThreads}): the one-core configuration of the hub.</li>
 *   <li>{@code VtDefault}: virtual threads on the JDK's default scheduler, one carrier per CPU
 *       (jox's own configuration: {@code Thread.startVirtualThread}).</li>
 * </ul>
 * As in jox's benchmarks, the benchmark thread starts the virtual threads and joins them; the
 * Weft variants start their fibers from one driver fiber of the hub ({@code Hub.invoke}).
 *
 * <p><b>Spinning peers.</b> jox's rendezvous operations (and a {@code select} whose clauses are all
 * rendezvous) spin before they park: 128 {@code Thread.onSpinWait()} on 2-4 CPUs, 1,024 above
 * ({@code Continuation.RENDEZVOUS_SPINS}; none on one CPU; buffered channels do not spin).
 * {@code SynchronousQueue} (JDK 25, on {@code LinkedTransferQueue}) spins 128 times when its
 * node is at the head, unless the current carrier's {@code ForkJoinPool} has queued work;
 * {@code Exchanger} spins 1,024 times. On one carrier the partner cannot run during the spin, so
 * every spin is wasted and these rows cost microseconds per item; on the default scheduler the
 * partner runs on another core meanwhile and two cores spin for them. Both configurations are
 * measured: compare a Weft row with the one-carrier row for the cost of the same work on one core,
 * with the default-scheduler row for what the peer achieves with every core.
 *
 * <p>Shapes (jox's first, with their published figures on an M1 Max, Java 21: jox / Kotlin):
 * <ul>
 *   <li>{@code rendezvous_*}: A sends {@value #OPS} items on a rendezvous channel (a
 *       {@code SynchronousQueue}, an {@code Exchanger}), B receives them (199 / 108 ns).</li>
 *   <li>{@code buffered16_*}: the same over {@code buffered(16)} (jox
 *       {@code newBufferedChannel(16)}, {@code ArrayBlockingQueue(16)}, Weft {@code Queue(16)})
 *       (201 / 35.7 ns). Weft's goal: at most 0.5x jox on its default scheduler, at most 0.7x jox on
 *       one carrier, 0 B/op.</li>
 *   <li>{@code chain1000_*}: {@value #CHAIN} buffered(16) channels (queues) in a row, one strand
 *       per link forwarding {@value #CHAIN_ITEMS} items, a source and a sink: the score is one
 *       send-receive pair ({@value #CHAIN_OPS} per invocation). jox uses 10,000 links (12.7 /
 *       7.0 ns); the issue asks for 1,000 here. Weft's goal: at most 0.5x jox.</li>
 *   <li>{@code select1_*}: A sends on a rendezvous channel, B receives with a {@code select} of
 *       that one receive clause (229 / 171 ns).</li>
 *   <li>{@code select2_*}: A and B send half the items each on their own rendezvous channel, C
 *       receives every item with a {@code select} over both (761 / 228 ns).</li>
 * </ul>
 * The baselines, measured in the same run:
 * <ul>
 *   <li>{@code queueHandoff_*}: A puts an item on queue 1 and takes one from queue 2, B the other
 *       way round, {@value #OPS} times each (unbounded queues): every take finds its queue empty, so
 *       every item is handed to a parked taker. The score is one hand-off (two per round trip).
 *       Weft's goal: at least 10x gevent's rate ({@code bench/gevent/queue.py}).</li>
 *   <li>{@code eventWake1000_weftHub} / {@code yield1000_weftHub}: a driver fiber spawns
 *       {@value #WAITERS} fibers, yields once so that each runs up to its {@code Event.await()} (its
 *       {@code Fiber.yieldNow()}), then calls {@code Event.set()} (nothing), and joins them all; the
 *       score is one waiter. The two differ only in how the waiters are resumed: woken by
 *       {@code set()} from a park, or requeued by their own yield. Goal: the event at most 1.5x
 *       the yields.</li>
 * </ul>
 * The rendezvous ping-pong against the yield ping-pong, and a plain receive against a
 * {@code select} of two, are {@link ChannelBench}'s ({@code rendezvous_hub}, {@code yield_hub},
 * {@code receive_hub}, {@code select2_hub}).
 *
 * <p>The one-carrier rows of spinning peers make {@value #SLOW_OPS} transfers per invocation, not
 * {@value #OPS}, so that one invocation stays under a second (the CI smoke run makes one of each).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.EXPORT_VM, BenchFlags.OPEN_LANG})
public class ChannelPeers {
    static final int OPS = 100_000;
    /** Transfers per invocation of a spinning peer on one carrier (microseconds each). */
    static final int SLOW_OPS = 10_000;
    static final int CAPACITY = 16;
    static final int CHAIN = 1_000;
    static final int CHAIN_ITEMS = 1_000;
    static final int CHAIN_OPS = CHAIN * CHAIN_ITEMS;
    static final int WAITERS = 1_000;
    static final int WAITER_BATCHES = 10;

    private static final Integer ITEM = 63;
    private static final CheckedRunnable YIELD = Fiber::yieldNow;

    private Hub hub;
    private OneCarrierVirtualThreads oneCarrier;

    @Setup(Level.Trial)
    public void start() {
        hub = new Hub("bench-hub");
        oneCarrier = new OneCarrierVirtualThreads();
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
        oneCarrier.close();
    }

    /** One strand's loop. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ rendezvous

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void rendezvous_weftHub() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        onHub(weftSender(ch, OPS), weftReceiver(ch, OPS));
    }

    @Benchmark
    @OperationsPerInvocation(SLOW_OPS)
    public void rendezvous_joxVtCustom1() throws Exception {
        joxOneWay(oneCarrier.builder(), com.softwaremill.jox.Channel.newRendezvousChannel(), SLOW_OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void rendezvous_joxVtDefault() throws Exception {
        joxOneWay(Thread.ofVirtual(), com.softwaremill.jox.Channel.newRendezvousChannel(), OPS);
    }

    @Benchmark
    @OperationsPerInvocation(SLOW_OPS)
    public void rendezvous_synchronousQueueVtCustom1() throws Exception {
        queueOneWay(oneCarrier.builder(), new SynchronousQueue<>(), SLOW_OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void rendezvous_synchronousQueueVtDefault() throws Exception {
        queueOneWay(Thread.ofVirtual(), new SynchronousQueue<>(), OPS);
    }

    @Benchmark
    @OperationsPerInvocation(SLOW_OPS)
    public void rendezvous_exchangerVtCustom1() throws Exception {
        exchange(oneCarrier.builder(), SLOW_OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void rendezvous_exchangerVtDefault() throws Exception {
        exchange(Thread.ofVirtual(), OPS);
    }

    // ------------------------------------------------------------------ buffered(16)

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void buffered16_weftHub() throws Exception {
        Channel<Integer> ch = Channel.buffered(CAPACITY);
        onHub(weftSender(ch, OPS), weftReceiver(ch, OPS));
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void buffered16_weftQueueHub() throws Exception {
        Queue<Integer> q = new Queue<>(CAPACITY);
        onHub(() -> {
            for (int i = 0; i < OPS; i++) {
                q.put(ITEM);
            }
        }, () -> {
            for (int i = 0; i < OPS; i++) {
                q.take();
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void buffered16_joxVtCustom1() throws Exception {
        joxOneWay(oneCarrier.builder(), com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY), OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void buffered16_joxVtDefault() throws Exception {
        joxOneWay(Thread.ofVirtual(), com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY), OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void buffered16_arrayBlockingQueueVtCustom1() throws Exception {
        queueOneWay(oneCarrier.builder(), new ArrayBlockingQueue<>(CAPACITY), OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void buffered16_arrayBlockingQueueVtDefault() throws Exception {
        queueOneWay(Thread.ofVirtual(), new ArrayBlockingQueue<>(CAPACITY), OPS);
    }

    // ------------------------------------------------------------------ 1,000 chained buffered(16)

    @Benchmark
    @OperationsPerInvocation(CHAIN_OPS)
    public void chain1000_weftHub() throws Exception {
        List<Channel<Integer>> chs = new ArrayList<>(CHAIN);
        for (int i = 0; i < CHAIN; i++) {
            chs.add(Channel.buffered(CAPACITY));
        }
        Body[] bodies = new Body[CHAIN + 1];
        bodies[0] = weftSender(chs.getFirst(), CHAIN_ITEMS);
        for (int t = 1; t < CHAIN; t++) {
            Channel<Integer> in = chs.get(t - 1);
            Channel<Integer> out = chs.get(t);
            bodies[t] = () -> {
                for (int i = 0; i < CHAIN_ITEMS; i++) {
                    out.send(in.receive());
                }
            };
        }
        bodies[CHAIN] = weftReceiver(chs.getLast(), CHAIN_ITEMS);
        onHub(bodies);
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN_OPS)
    public void chain1000_joxVtCustom1() throws Exception {
        joxChain(oneCarrier.builder());
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN_OPS)
    public void chain1000_joxVtDefault() throws Exception {
        joxChain(Thread.ofVirtual());
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN_OPS)
    public void chain1000_arrayBlockingQueueVtCustom1() throws Exception {
        queueChain(oneCarrier.builder());
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN_OPS)
    public void chain1000_arrayBlockingQueueVtDefault() throws Exception {
        queueChain(Thread.ofVirtual());
    }

    private static void joxChain(Thread.Builder.OfVirtual vt) throws Exception {
        List<com.softwaremill.jox.Channel<Integer>> chs = new ArrayList<>(CHAIN);
        for (int i = 0; i < CHAIN; i++) {
            chs.add(com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY));
        }
        Body[] bodies = new Body[CHAIN + 1];
        bodies[0] = joxSender(chs.getFirst(), CHAIN_ITEMS);
        for (int t = 1; t < CHAIN; t++) {
            com.softwaremill.jox.Channel<Integer> in = chs.get(t - 1);
            com.softwaremill.jox.Channel<Integer> out = chs.get(t);
            bodies[t] = () -> {
                for (int i = 0; i < CHAIN_ITEMS; i++) {
                    out.send(in.receive());
                }
            };
        }
        bodies[CHAIN] = joxReceiver(chs.getLast(), CHAIN_ITEMS);
        onThreads(vt, bodies);
    }

    private static void queueChain(Thread.Builder.OfVirtual vt) throws Exception {
        List<BlockingQueue<Integer>> qs = new ArrayList<>(CHAIN);
        for (int i = 0; i < CHAIN; i++) {
            qs.add(new ArrayBlockingQueue<>(CAPACITY));
        }
        Body[] bodies = new Body[CHAIN + 1];
        bodies[0] = queueSender(qs.getFirst(), CHAIN_ITEMS);
        for (int t = 1; t < CHAIN; t++) {
            BlockingQueue<Integer> in = qs.get(t - 1);
            BlockingQueue<Integer> out = qs.get(t);
            bodies[t] = () -> {
                for (int i = 0; i < CHAIN_ITEMS; i++) {
                    out.put(in.take());
                }
            };
        }
        bodies[CHAIN] = queueReceiver(qs.getLast(), CHAIN_ITEMS);
        onThreads(vt, bodies);
    }

    // ------------------------------------------------------------------ select of 1 and 2 clauses

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void select1_weftHub() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        SelectClause<Integer> fromCh = ch.onReceive();
        onHub(weftSender(ch, OPS), () -> {
            for (int i = 0; i < OPS; i++) {
                Select.select(fromCh);
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(SLOW_OPS)
    public void select1_joxVtCustom1() throws Exception {
        joxSelect1(oneCarrier.builder(), SLOW_OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void select1_joxVtDefault() throws Exception {
        joxSelect1(Thread.ofVirtual(), OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void select2_weftHub() throws Exception {
        Channel<Integer> ch1 = Channel.rendezvous();
        Channel<Integer> ch2 = Channel.rendezvous();
        SelectClause<Integer> from1 = ch1.onReceive();
        SelectClause<Integer> from2 = ch2.onReceive();
        onHub(weftSender(ch1, OPS / 2), weftSender(ch2, OPS / 2), () -> {
            for (int i = 0; i < OPS; i++) {
                Select.select(from1, from2);
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(SLOW_OPS)
    public void select2_joxVtCustom1() throws Exception {
        joxSelect2(oneCarrier.builder(), SLOW_OPS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void select2_joxVtDefault() throws Exception {
        joxSelect2(Thread.ofVirtual(), OPS);
    }

    private static void joxSelect1(Thread.Builder.OfVirtual vt, int ops) throws Exception {
        com.softwaremill.jox.Channel<Integer> ch = com.softwaremill.jox.Channel.newRendezvousChannel();
        onThreads(vt, joxSender(ch, ops), () -> {
            for (int i = 0; i < ops; i++) {
                com.softwaremill.jox.Select.select(ch.receiveClause());
            }
        });
    }

    private static void joxSelect2(Thread.Builder.OfVirtual vt, int ops) throws Exception {
        com.softwaremill.jox.Channel<Integer> ch1 = com.softwaremill.jox.Channel.newRendezvousChannel();
        com.softwaremill.jox.Channel<Integer> ch2 = com.softwaremill.jox.Channel.newRendezvousChannel();
        onThreads(vt, joxSender(ch1, ops / 2), joxSender(ch2, ops / 2), () -> {
            for (int i = 0; i < ops; i++) {
                com.softwaremill.jox.Select.select(ch1.receiveClause(), ch2.receiveClause());
            }
        });
    }

    // ------------------------------------------------------------------ Queue hand-off (issue baseline)

    @Benchmark
    @OperationsPerInvocation(2 * OPS)
    public void queueHandoff_weftHub() throws Exception {
        Queue<Integer> ping = new Queue<>();
        Queue<Integer> pong = new Queue<>();
        onHub(() -> {
            for (int i = 0; i < OPS; i++) {
                ping.put(ITEM);
                pong.take();
            }
        }, () -> {
            for (int i = 0; i < OPS; i++) {
                pong.put(ping.take());
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(2 * OPS)
    public void queueHandoff_linkedBlockingQueueVtCustom1() throws Exception {
        queueHandoff(oneCarrier.builder());
    }

    @Benchmark
    @OperationsPerInvocation(2 * OPS)
    public void queueHandoff_linkedBlockingQueueVtDefault() throws Exception {
        queueHandoff(Thread.ofVirtual());
    }

    private static void queueHandoff(Thread.Builder.OfVirtual vt) throws Exception {
        BlockingQueue<Integer> ping = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> pong = new LinkedBlockingQueue<>();
        onThreads(vt, () -> {
            for (int i = 0; i < OPS; i++) {
                ping.put(ITEM);
                pong.take();
            }
        }, () -> {
            for (int i = 0; i < OPS; i++) {
                pong.put(ping.take());
            }
        });
    }

    // ------------------------------------------------------------------ Event.set vs yields (issue baseline)

    @Benchmark
    @OperationsPerInvocation(WAITERS * WAITER_BATCHES)
    public void eventWake1000_weftHub() throws Exception {
        hub.invoke(() -> {
            Fiber<?>[] waiters = new Fiber<?>[WAITERS];
            for (int b = 0; b < WAITER_BATCHES; b++) {
                Event event = new Event();
                CheckedRunnable await = event::await;
                for (int i = 0; i < WAITERS; i++) {
                    waiters[i] = Fiber.spawn(await);
                }
                Fiber.yieldNow(); // every waiter runs up to its await() and parks
                event.set();
                joinAll(waiters);
            }
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(WAITERS * WAITER_BATCHES)
    public void yield1000_weftHub() throws Exception {
        hub.invoke(() -> {
            Fiber<?>[] yielders = new Fiber<?>[WAITERS];
            for (int b = 0; b < WAITER_BATCHES; b++) {
                for (int i = 0; i < WAITERS; i++) {
                    yielders[i] = Fiber.spawn(YIELD);
                }
                Fiber.yieldNow(); // every yielder runs up to its yield and is requeued
                joinAll(yielders);
            }
            return null;
        });
    }

    private static void joinAll(Fiber<?>[] fibers) throws Exception {
        for (Fiber<?> f : fibers) {
            f.get();
        }
    }

    // ------------------------------------------------------------------ bodies

    private static Body weftSender(Channel<Integer> ch, int n) {
        return () -> {
            for (int i = 0; i < n; i++) {
                ch.send(ITEM);
            }
        };
    }

    private static Body weftReceiver(Channel<Integer> ch, int n) {
        return () -> {
            for (int i = 0; i < n; i++) {
                ch.receive();
            }
        };
    }

    private static Body joxSender(com.softwaremill.jox.Channel<Integer> ch, int n) {
        return () -> {
            for (int i = 0; i < n; i++) {
                ch.send(ITEM);
            }
        };
    }

    private static Body joxReceiver(com.softwaremill.jox.Channel<Integer> ch, int n) {
        return () -> {
            for (int i = 0; i < n; i++) {
                ch.receive();
            }
        };
    }

    private static Body queueSender(BlockingQueue<Integer> q, int n) {
        return () -> {
            for (int i = 0; i < n; i++) {
                q.put(ITEM);
            }
        };
    }

    private static Body queueReceiver(BlockingQueue<Integer> q, int n) {
        return () -> {
            for (int i = 0; i < n; i++) {
                q.take();
            }
        };
    }

    private static void joxOneWay(Thread.Builder.OfVirtual vt, com.softwaremill.jox.Channel<Integer> ch, int n)
            throws Exception {
        onThreads(vt, joxSender(ch, n), joxReceiver(ch, n));
    }

    private static void queueOneWay(Thread.Builder.OfVirtual vt, BlockingQueue<Integer> q, int n) throws Exception {
        onThreads(vt, queueSender(q, n), queueReceiver(q, n));
    }

    private static void exchange(Thread.Builder.OfVirtual vt, int n) throws Exception {
        Exchanger<Integer> exchanger = new Exchanger<>();
        Body side = () -> {
            for (int i = 0; i < n; i++) {
                exchanger.exchange(ITEM);
            }
        };
        onThreads(vt, side, side);
    }

    // ------------------------------------------------------------------ strands

    /** Runs each body in a fiber of the hub, spawned by one driver fiber that then waits for all. */
    private void onHub(Body... bodies) throws Exception {
        hub.invoke(() -> {
            Fiber<?>[] fibers = new Fiber<?>[bodies.length];
            for (int i = 0; i < bodies.length; i++) {
                fibers[i] = Fiber.spawn(bodies[i]::run);
            }
            joinAll(fibers);
            return null;
        });
    }

    /**
     * Starts each body in a virtual thread of {@code vt} from the benchmark thread and joins them
     * (jox's shape); the first failure of a body interrupts the others and fails the benchmark.
     */
    private static void onThreads(Thread.Builder.OfVirtual vt, Body... bodies) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[bodies.length];
        for (int i = 0; i < bodies.length; i++) {
            Body body = bodies[i];
            threads[i] = vt.start(() -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    if (failure.compareAndSet(null, t)) {
                        for (Thread other : threads) {
                            if (other != null && other != Thread.currentThread()) {
                                other.interrupt(); // its partner is gone: end its wait
                            }
                        }
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a benchmark strand failed", failure.get());
        }
    }
}
