package dev.weft.stress.soak;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.FiberExit;
import dev.weft.fibers.Monkey;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;
import dev.weft.locks.Queue;
import dev.weft.locks.QueueClosedException;
import dev.weft.locks.channels.Channel;
import dev.weft.locks.channels.ChannelClosedException;
import dev.weft.locks.channels.Select;
import dev.weft.locks.channels.Selected;
import dev.weft.locks.pool.Pool;
import dev.weft.locks.pool.PoolFullException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's item flows (issue 13, section 5): producers and consumers (plain fibers, patched
 * fibers and a platform thread of each) move items through a rendezvous {@link Channel}, a
 * buffered one and a bounded {@link Queue} with every kind of send and receive (blocking,
 * non-blocking, timed, inside a fiber's own {@link Timeout}, a {@link Select} over both
 * channels), while victims blocked in an untimed send or receive are killed; and fibers run
 * through a {@link Pool}, some of them killed while they run or before they start.
 *
 * <h2>What is checked</h2>
 * <ul>
 *   <li><b>Items are conserved.</b> Every item carries one state word that its sender and its
 *       receivers decide by CAS, so that nothing has to be remembered per item (a long soak
 *       moves millions): a receive moves it to RECEIVED, and a second receive of the same item
 *       is a duplicate; a send that failed for certain (false, or closed) moves it to FAILED,
 *       and finding it RECEIVED instead means a failed send delivered it; a killed send (which
 *       may or may not have delivered: see {@link Channel}'s and {@link Queue}'s guarantees)
 *       moves it to UNCERTAIN, or counts it delivered if it is already RECEIVED. Every
 *       delivered item is counted once, by whichever side learns it last; after the run the
 *       conduits are closed and drained, and the receipts must equal the deliveries: every
 *       item put is taken exactly once or was still queued (then drained).</li>
 *   <li><b>Pool permits are conserved.</b> No more than {@link #POOL_SIZE} pooled fibers run
 *       at once, and after the run the pool has all its room back and nothing running.</li>
 * </ul>
 */
final class ItemFlows {
    static final int POOL_SIZE = 3;
    static final int BUFFER = 4;
    static final int QUEUE_SIZE = 8;
    static final int PRODUCER_FIBERS = 2;
    static final int CONSUMER_FIBERS = 2;
    /*
     * FLOW RATE. The workers pick their conduit at random. With untimed waits the flows often
     * stall among themselves (every producer blocked sending on one conduit, every consumer
     * receiving on another) until a timed step, a kill or the close moves them: a 30 s run then
     * moved about 6,000 items. So the plain waits are bounded by FLOW_WAIT, and the flows move
     * 500,000 to 1,000,000 items in 30 s (untimed waits remain: in Timeout scopes and in the
     * killed victims). That rate found a defect the slow one hid for 16 runs: a resolver read a
     * waiting sender's item after the CAS that let the sender return and recycle its node, and
     * about once in 500,000 items a null was buffered in the item's place (fixed 2026-12-03, see
     * Channel.claimSenderLocked; stress test Channel_04 and its twin).
     */
    static final Duration FLOW_WAIT = Duration.ofMillis(5);

    enum Op {
        SENT, SEND_REFUSED, SEND_KILLED_UNDELIVERED, SEND_KILLED_DELIVERED, RECEIVED, RECEIVED_BY_SELECT,
        RECEIVE_EMPTY, RECEIVE_KILLED, DRAINED, POOL_RAN, POOL_KILLED, POOL_SPAWN_TIMED_OUT
    }

    /** An item: an id, and its fate decided by CAS between its sender and its receivers. */
    static final class Item {
        static final int SENDING = 0;
        static final int UNCERTAIN = 1;
        static final int FAILED = 2;
        static final int RECEIVED = 3;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Item.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long id;
        volatile int state;

        Item(long id) {
            this.id = id;
        }

        boolean cas(int from, int to) {
            return STATE.compareAndSet(this, from, to);
        }

        @Override
        public String toString() {
            return "item " + id;
        }
    }

    /** A channel or a queue, seen through the operations the flows use. */
    interface Conduit {
        void send(Item item) throws InterruptedException;

        boolean trySend(Item item);

        boolean send(Item item, Duration timeout) throws InterruptedException;

        /** @throws RuntimeException the conduit's closed exception once it is closed and drained */
        Item receive() throws InterruptedException;

        Item tryReceive();

        Item receive(Duration timeout) throws InterruptedException;

        void close();

        static boolean isClosed(RuntimeException e) {
            return e instanceof ChannelClosedException || e instanceof QueueClosedException;
        }
    }

    record ChannelConduit(Channel<Item> c) implements Conduit {
        public void send(Item item) throws InterruptedException { c.send(item); }
        public boolean trySend(Item item) { return c.trySend(item); }
        public boolean send(Item item, Duration t) throws InterruptedException { return c.send(item, t); }
        public Item receive() throws InterruptedException { return c.receive(); }
        public Item tryReceive() { return c.tryReceive(); }
        public Item receive(Duration t) throws InterruptedException { return c.receive(t); }
        public void close() { c.close(); }
    }

    record QueueConduit(Queue<Item> q) implements Conduit {
        public void send(Item item) throws InterruptedException { q.put(item); }
        public boolean trySend(Item item) { return q.offer(item); }
        public boolean send(Item item, Duration t) throws InterruptedException { return q.offer(item, t); }
        public Item receive() throws InterruptedException { return q.take(); }
        public Item tryReceive() { return q.poll(); }
        public Item receive(Duration t) throws InterruptedException { return q.poll(t); }
        public void close() { q.close(); }
    }

    private final Soak soak;
    private final Scheduler scheduler;
    final Channel<Item> rendezvous = Channel.rendezvous();
    final Channel<Item> buffered = Channel.buffered(BUFFER);
    final Queue<Item> queue = new Queue<>(QUEUE_SIZE);
    private final List<Conduit> conduits =
            List.of(new ChannelConduit(rendezvous), new ChannelConduit(buffered), new QueueConduit(queue));
    private final Pool pool;
    private final AtomicInteger pooledRunning = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    /** Items known to be delivered (by the side that learned it last), and receipts. */
    private final LongAdder delivered = new LongAdder();
    private final LongAdder receipts = new LongAdder();
    final LongAdder[] counts = new LongAdder[Op.values().length];

    ItemFlows(Soak soak, Scheduler scheduler) {
        this.soak = soak;
        this.scheduler = scheduler;
        this.pool = new Pool(POOL_SIZE, scheduler);
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    private void count(Op op) {
        counts[op.ordinal()].increment();
    }

    /**
     * A conduit chosen at random, for plain and patched fibers and threads alike. (Until
     * 2026-12-03 patched fibers kept to the channels: {@link Queue} guarded its state with a Java
     * monitor, and a patched fiber, a virtual thread, that blocked entering it was unmounted
     * while plain fibers blocked their carriers' threads entering it; the monitor's next owner
     * could then be a virtual thread that no carrier was free to mount, and both carriers hung.
     * The kit's locks are spin locks now: see dev.weft.fibers.internal.sync.SpinLock.)
     */
    private Conduit anyConduit() {
        return conduits.get(ThreadLocalRandom.current().nextInt(conduits.size()));
    }

    // ---------------------------------------------------------------- the two sides of an item

    /** A send ended normally: the item is in the conduit or taken already. */
    private void sent() {
        delivered.increment();
        count(Op.SENT);
    }

    /** A send failed for certain (false, or the conduit closed): the item must never be taken. */
    private void refused(Item item) {
        if (!item.cas(Item.SENDING, Item.FAILED)) {
            soak.violations.add("a send that failed (returned false or found the conduit closed) delivered " + item);
        }
        count(Op.SEND_REFUSED);
    }

    /** A send was killed or timed out by a fiber's Timeout: the item may or may not be delivered. */
    private void uncertain(Item item) {
        if (item.cas(Item.SENDING, Item.UNCERTAIN)) {
            count(Op.SEND_KILLED_UNDELIVERED); // so far: a later receipt counts it delivered
        } else {
            delivered.increment(); // received before the sender learned its fate
            count(Op.SEND_KILLED_DELIVERED);
        }
    }

    /** A receive got {@code item}. */
    private void received(Item item, Op op) {
        receipts.increment();
        count(op);
        for (;;) {
            int s = item.state;
            if (s == Item.SENDING && item.cas(Item.SENDING, Item.RECEIVED)) {
                return; // its sender counts it delivered (or, having failed, reports the violation)
            } else if (s == Item.UNCERTAIN && item.cas(Item.UNCERTAIN, Item.RECEIVED)) {
                delivered.increment();
                count(Op.SEND_KILLED_DELIVERED);
                return;
            } else if (s == Item.RECEIVED) {
                soak.violations.add(item + " was received twice (duplicated)");
                return;
            } else if (s == Item.FAILED) {
                soak.violations.add(item + " was received although its send failed");
                return;
            }
        }
    }

    // ---------------------------------------------------------------- operations

    /** One producer step: a new item sent one of five ways (a thread: three). */
    void produce(boolean fiber) throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Conduit c = anyConduit();
        Item item = new Item(ids.incrementAndGet());
        try {
            switch (r.nextInt(fiber ? 5 : 3)) {
                case 0 -> {
                    if (c.send(item, FLOW_WAIT)) { // see FLOW RATE
                        sent();
                    } else {
                        refused(item);
                    }
                }
                case 1 -> {
                    if (c.trySend(item)) {
                        sent();
                    } else {
                        refused(item);
                    }
                }
                case 2 -> {
                    if (c.send(item, Soak.micros(500))) {
                        sent();
                    } else {
                        refused(item);
                    }
                }
                case 3 -> {
                    try (Timeout t = Timeout.after(Soak.micros(300))) {
                        c.send(item);
                        sent();
                    } catch (TimeoutExpired e) {
                        uncertain(item);
                    }
                }
                default -> killedWhileWaiting(item, c, true);
            }
        } catch (RuntimeException e) {
            if (!Conduit.isClosed(e)) {
                throw e;
            }
            refused(item); // closed at the end of the run
        }
    }

    /** One consumer step: an item taken one of six ways (none once the conduit closed at the deadline). */
    void consume(boolean fiber) throws InterruptedException {
        try {
            consumeOnce(fiber);
        } catch (RuntimeException e) {
            if (!Conduit.isClosed(e)) {
                throw e;
            }
            count(Op.RECEIVE_EMPTY); // closed at the end of the run: the loop ends and drains
        }
    }

    private void consumeOnce(boolean fiber) throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Conduit c = anyConduit();
        Item item;
        switch (r.nextInt(fiber ? 6 : 4)) {
            case 0 -> item = c.receive(FLOW_WAIT); // see FLOW RATE
            case 1 -> item = c.tryReceive();
            case 2 -> item = c.receive(Soak.micros(500));
            case 3 -> {
                Selected s = Select.select(Soak.micros(500), rendezvous.onReceive(), buffered.onReceive());
                if (s == null || s.isClosed()) {
                    count(Op.RECEIVE_EMPTY);
                } else {
                    received((Item) s.value(s.clause()), Op.RECEIVED_BY_SELECT);
                }
                return;
            }
            case 4 -> {
                try (Timeout t = Timeout.after(Soak.micros(300))) {
                    item = c.receive();
                } catch (TimeoutExpired e) {
                    count(Op.RECEIVE_KILLED);
                    return;
                }
            }
            default -> {
                killedWhileWaiting(null, c, false);
                return;
            }
        }
        if (item == null) {
            count(Op.RECEIVE_EMPTY);
        } else {
            received(item, Op.RECEIVED);
        }
    }

    /**
     * A victim fiber (plain or patched) in an untimed send of {@code item} or an untimed
     * receive on {@code c}, killed after a pause: whatever it was doing, nothing is lost or
     * duplicated.
     */
    private void killedWhileWaiting(Item item, Conduit c, boolean send) throws InterruptedException {
        Runnable body = () -> {
            try {
                if (send) {
                    c.send(item);
                    sent();
                } else {
                    received(c.receive(), Op.RECEIVED);
                }
            } catch (FiberExit killed) {
                if (send) {
                    uncertain(item);
                } else {
                    count(Op.RECEIVE_KILLED);
                }
                throw killed;
            } catch (InterruptedException killed) { // a patched victim's kill reaches its wait so
                if (send) {
                    uncertain(item);
                } else {
                    count(Op.RECEIVE_KILLED);
                }
            } catch (RuntimeException e) {
                if (!Conduit.isClosed(e)) {
                    soak.unexpected("a victim of the item flows", e);
                } else if (send) {
                    refused(item);
                }
            }
        };
        Fiber<?> victim = ThreadLocalRandom.current().nextBoolean()
                ? Monkey.spawn(scheduler, body::run) : scheduler.spawn(body::run);
        Fiber.sleep(Soak.micros(300));
        victim.kill();
        if (!victim.join(Soak.GRACE)) {
            soak.fibers.add(victim);
            soak.violations.add("a killed item-flow victim " + victim + " did not end within " + Soak.GRACE);
        }
    }

    /** One pool step: a fiber through the pool (waiting for room, or for at most a while), killed sometimes. */
    void poolStep() throws InterruptedException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Runnable task = () -> {
            int running = pooledRunning.incrementAndGet();
            try {
                if (running > POOL_SIZE) {
                    soak.violations.add(running + " pooled fibers ran at once in a pool of " + POOL_SIZE);
                }
                Soak.pause(true);
                count(Op.POOL_RAN);
            } catch (FiberExit killed) {
                throw killed;
            } catch (Throwable t) {
                soak.unexpected("a pooled fiber", t);
            } finally {
                pooledRunning.decrementAndGet();
            }
        };
        Fiber<?> f;
        if (r.nextBoolean()) {
            f = pool.spawn(task::run);
        } else {
            try {
                f = pool.spawn(task::run, Soak.micros(300));
            } catch (PoolFullException timedOut) {
                count(Op.POOL_SPAWN_TIMED_OUT);
                return;
            }
        }
        if (r.nextInt(4) == 0) {
            if (r.nextBoolean()) {
                Fiber.sleep(Soak.micros(200));
            }
            f.kill();
            count(Op.POOL_KILLED);
        }
    }

    // ---------------------------------------------------------------- the run

    /** Starts the producers and consumers (plain and patched fibers, and a thread each) and a pool driver. */
    void start(List<Fiber<?>> workers, List<Thread> threads) {
        for (int i = 0; i < PRODUCER_FIBERS + CONSUMER_FIBERS + 1; i++) {
            boolean producer = i < PRODUCER_FIBERS;
            boolean poolDriver = i == PRODUCER_FIBERS + CONSUMER_FIBERS;
            boolean patched = i % 2 == 1;
            Runnable body = () -> loop(producer, poolDriver, true);
            Fiber<?> w = patched ? Monkey.spawn(scheduler, body::run)
                    : scheduler.spawn("soak-" + (poolDriver ? "pool" : producer ? "producer" : "consumer") + "-" + i, body::run);
            workers.add(w);
            soak.fibers.add(w);
            soak.spawned.increment();
        }
        for (boolean producer : new boolean[] {true, false}) {
            Thread t = Thread.ofPlatform().daemon().name("soak-" + (producer ? "producer" : "consumer") + "-thread")
                    .start(() -> loop(producer, false, false));
            threads.add(t);
        }
    }

    private void loop(boolean producer, boolean poolDriver, boolean fiber) {
        try {
            while (soak.running()) {
                if (poolDriver) {
                    poolStep();
                } else if (producer) {
                    produce(fiber);
                } else {
                    consume(fiber);
                }
            }
            if (!producer && !poolDriver) {
                drain(); // the conduits are closed at the deadline: take what is left
            }
        } catch (FiberExit | TimeoutExpired e) {
            if (!(e instanceof FiberExit && soak.closing)) {
                soak.unexpected("an item-flow worker (nobody killed it or opened an outer timeout)", e);
            }
        } catch (Throwable t) {
            soak.unexpected("an item-flow worker", t);
        }
    }

    /** Takes every item still queued, until each conduit reports itself closed and drained. */
    private void drain() throws InterruptedException {
        for (Conduit c : conduits) {
            try {
                for (;;) {
                    received(c.receive(), Op.DRAINED);
                }
            } catch (RuntimeException e) {
                if (!Conduit.isClosed(e)) {
                    throw e;
                }
            }
        }
    }

    /** At the deadline: closes the conduits, so that blocked senders fail and consumers drain and end. */
    void closeConduits() {
        conduits.forEach(Conduit::close);
    }

    /** After every worker ended: the checks, added to the soak's violations. */
    void check() throws InterruptedException {
        for (Conduit c : conduits) { // consumers drained them; this finds what a late sender left
            try {
                for (Item i; (i = c.tryReceive()) != null; ) {
                    received(i, Op.DRAINED);
                }
            } catch (RuntimeException e) {
                if (!Conduit.isClosed(e)) {
                    throw e;
                }
            }
        }
        if (receipts.sum() != delivered.sum()) {
            soak.violations.add(String.format("items not conserved: %,d delivered, %,d received (taken or drained)",
                    delivered.sum(), receipts.sum()));
        }
        if (!pool.join(Soak.WIND_DOWN)) {
            soak.violations.add("the pool's fibers did not end within " + Soak.WIND_DOWN + " after the run: " + pool);
        }
        if (pool.freeCount() != POOL_SIZE || pooledRunning.get() != 0) {
            soak.violations.add("pool permits not conserved: " + pool.freeCount() + " free of " + POOL_SIZE + ", "
                    + pooledRunning.get() + " pooled fibers still counted running");
        }
    }

    /** The figures printed at the end. */
    String summary() {
        StringBuilder s = new StringBuilder("soak: item flows (rendezvous channel, buffered(" + BUFFER + ") channel, queue("
                + QUEUE_SIZE + "), pool(" + POOL_SIZE + ")): " + String.format("%,d delivered, %,d received", delivered.sum(),
                receipts.sum()));
        for (Op op : Op.values()) {
            s.append(String.format("%n  %-24s %,12d", op.name().toLowerCase(), counts[op.ordinal()].sum()));
        }
        return s.toString();
    }
}
