package dev.weft.fibers;

import dev.weft.fibers.internal.timer.TimerTask;

import java.lang.StackWalker.StackFrame;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * A scheduler for deterministic simulation: one thread, a {@link SchedulePolicy} that makes every
 * scheduling decision, and virtual time. The same program under the same policy answers runs the
 * same way every time, so a failing interleaving found by a seed can be replayed exactly.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li><b>One thread.</b> The thread that calls {@link #invoke} runs the whole simulation, and
 *       returns when the root fiber (the body, fiber id 1) ends. Nothing runs between two calls:
 *       fibers left alive stay suspended until {@link #close()} ends them, on the calling thread too.</li>
 *   <li><b>Every decision is the policy's.</b> Whenever two or more fibers are runnable, the
 *       policy picks one of them (runnable fibers are offered in the order they became runnable);
 *       each such decision is a {@link ScheduleStep} of the {@link #trace()}. A fiber runs until
 *       its next suspension point (a park, sleep, join, yield, blocking lock, queue or channel
 *       call), as on a {@link Hub}: there is no pre-emption between two of them.</li>
 *   <li><b>Determinism.</b> Fiber ids (spawn order, the root is 1), the runnable order, the order
 *       of timers (deadline, then arming order), the trace and {@link #traceHash()} depend only on
 *       the program and the policy's answers, provided the program stays inside the simulation
 *       (see below).</li>
 *   <li><b>Virtual time.</b> {@link #nanoTime()} starts at 0 and does not move while a fiber runs:
 *       computation takes no time. When no fiber is runnable it jumps to the earliest armed
 *       deadline and fires every timer due then. {@link Fiber#sleep}, {@link Strand#parkNanos},
 *       {@link Timeout} and every timed wait of Weft's locks, queues and channels measure this
 *       time (through {@link Strand#nanoTime()}): a ten-minute sleep takes no real time.</li>
 *   <li><b>Deadlock is an error.</b> When no fiber is runnable, no timer is armed and the root
 *       fiber has not ended, nothing can ever wake the parked fibers: {@link #invoke} throws
 *       {@link SimulationDeadlock}, naming each parked fiber and where it waits.</li>
 *   <li><b>Misuse fails loudly.</b> Spawning into, waking, killing or joining a simulated fiber
 *       from outside the simulation (another thread, a fiber of another scheduler) throws
 *       {@link IllegalStateException}, and a wake-up from another thread also fails the run
 *       ({@code invoke} rethrows it). A wake-up is caught when it would queue a parked fiber; one
 *       that finds its fiber runnable or running only sets the fiber's permit, unseen (catching it
 *       would cost every unpark a test). Patched fibers ({@link Monkey}), whose parks belong to
 *       the JDK, are refused; so is a park that cannot suspend (pinned inside {@code synchronized}
 *       or a native frame), which would block the simulation's only thread for good, and a wait
 *       for a socket, whose readiness comes in real time.</li>
 * </ol>
 * Not controlled, so not reproduced: real time ({@code System.nanoTime()},
 * {@code Thread.sleep}), other threads and their locks, sockets and files. A loop that waits for
 * the clock without parking never sees it move. A simulation runs once: make a new scheduler per
 * run (ids, clock and trace start afresh).
 *
 * <h2>Example</h2>
 * <pre>{@code
 * try (SimulatedScheduler sim = SimulatedScheduler.seeded(42)) {
 *     sim.invoke(() -> {
 *         Fiber<?> a = Fiber.spawn(() -> Fiber.sleep(Duration.ofMinutes(10)));
 *         a.join();
 *         return null;
 *     });
 *     long hash = sim.traceHash(); // the same for every run of seed 42
 * }
 * }</pre>
 */
public final class SimulatedScheduler extends Scheduler {
    /** Where a fiber that never ran is: it has no stack yet. */
    private static final String START = "start";
    private static final long FNV_PRIME = 0x100000001b3L;

    private final SchedulePolicy policy;
    /** Whether each decision records the chosen fiber's suspension site (a stack walk of a few microseconds). */
    private boolean recordSites = true;
    /** Turns invoke may run before it gives up on the root fiber ending (see maxTurns). */
    private long maxTurns = Long.MAX_VALUE;
    /** Turns run so far: fiber runs, decided or not. */
    private long turns;
    /*
     * Every field below is touched only by the simulation's thread (the carrier of `hub`).
     */
    /** The carrier of the simulation, made by invoke on its thread; null before. */
    private Hub hub;
    /** Virtual time, nanoseconds since this scheduler was made. */
    private long clock;
    private long nextId = 1;
    /** Every fiber admitted, with its id and site. Kept for the scheduler's life, so names stay stable. */
    private final IdentityHashMap<Fiber<?>, Simulated> fibers = new IdentityHashMap<>();
    /** Runnable fibers, in the order they became runnable. */
    private final ArrayList<Simulated> runnable = new ArrayList<>();
    private final ArrayList<ScheduleStep> trace = new ArrayList<>();
    /** FNV-1a over each decision's choice, options, fiber id and site. */
    private long hash = 0xcbf29ce484222325L;
    private long previousId;
    /** Whether the simulation's thread is inside invoke or close now: only then may fibers be spawned or killed. */
    private boolean running;
    /**
     * The first touch from outside: another strand woke, spawned or killed a simulated fiber while
     * it ran. The run can no longer be trusted (a fiber woken from outside is lost, for one), so
     * invoke fails with it. Written by any thread; volatile so that the simulation's thread sees it.
     */
    private volatile IllegalStateException touchedFromOutside;
    private boolean closing;
    private boolean terminated;
    private final Point point = new Point();

    /**
     * Creates a simulation whose decisions {@code policy} makes.
     *
     * @throws NullPointerException if {@code policy} is null
     */
    public SimulatedScheduler(SchedulePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** A simulation that picks uniformly at random among the runnable fibers, from {@code SplittableRandom(seed)}. */
    public static SimulatedScheduler seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new SimulatedScheduler(p -> random.nextInt(p.runnable()));
    }

    /**
     * Virtual time: nanoseconds since this scheduler was made. It moves only when every fiber
     * waits, to the next deadline. Read it in the simulation or after {@link #invoke} returned.
     */
    public long nanoTime() {
        return clock;
    }

    /**
     * Whether each decision of the trace records where the chosen fiber suspended (on by
     * default). A site costs a walk of the fiber's suspended stack, a few microseconds, which is
     * most of a decision's cost: an explorer that runs thousands of schedules may turn it off and
     * turn it on to replay the one it reports. Off, {@link ScheduleStep#suspendedAt()} is
     * {@code null} and {@link #traceHash()} covers choices, options and fiber ids only (the
     * schedule itself is the same either way); {@link SchedulePoint#suspendedAt} and
     * {@link SimulationDeadlock} still name sites, walking on request.
     *
     * @return this scheduler
     * @throws IllegalStateException if the simulation has started
     */
    public SimulatedScheduler recordSites(boolean on) {
        if (hub != null) {
            throw new IllegalStateException("recordSites must be chosen before invoke(): a trace records sites "
                    + "for all of its decisions or for none");
        }
        recordSites = on;
        return this;
    }

    /**
     * Bounds the turns (runs of a fiber up to its next suspension point, decided or not) that
     * {@link #invoke} runs: past {@code limit} it throws {@link IllegalStateException}. Unbounded
     * by default. A livelock with a single runnable fiber (one that waits for a flag by yielding,
     * or a heartbeat that sleeps in a loop while the others wait for ever) makes no decisions, so
     * only this stops it.
     *
     * @return this scheduler
     * @throws IllegalArgumentException if {@code limit < 1}
     */
    public SimulatedScheduler maxTurns(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("maxTurns must be at least 1, was " + limit);
        }
        maxTurns = limit;
        return this;
    }

    /** Every decision so far, in order (only points with two or more runnable fibers are decisions). */
    public List<ScheduleStep> trace() {
        return List.copyOf(trace);
    }

    /**
     * A hash of the trace (choices, options, fiber ids and, when {@link #recordSites recorded},
     * suspension sites): equal runs have equal hashes.
     */
    public long traceHash() {
        long h = hash; // murmur3's finaliser, so that near traces give far hashes
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * Runs {@code task} as the root fiber (id 1, named {@code main}) on the calling thread and
     * drives the simulation until the root fiber ends.
     *
     * @return the task's value
     * @throws Exception what the task threw, as it is
     * @throws SimulationDeadlock if every live fiber is parked with nothing to wake it
     * @throws IllegalStateException if called from a fiber, or a second time
     * @throws RejectedExecutionException if this scheduler is closed
     */
    @Override
    public <V> V invoke(Callable<V> task) throws Exception {
        Objects.requireNonNull(task, "task");
        Fiber<?> caller = Fiber.current();
        if (caller != null) {
            throw new IllegalStateException("SimulatedScheduler.invoke() was called from " + caller
                    + ": a simulation runs on the thread that invokes it; call it from a thread");
        }
        if (hub != null) {
            throw new IllegalStateException(this + " has run a simulation already: make a new SimulatedScheduler per "
                    + "run (fiber ids, virtual time and the trace start afresh)");
        }
        if (closing) {
            throw new RejectedExecutionException(this + " is closed: it spawns no more fibers");
        }
        hub = new Hub(this, Thread.currentThread());
        running = true;
        Fiber<V> root;
        try {
            root = newFiber("main", task, patchedByDefault);
            root.claimOutcome(); // a failure is rethrown to the caller, not reported
            root.start();
            run(root);
        } finally {
            running = false;
        }
        return outcomeOfInvoked(root);
    }

    /**
     * Kills every unfinished fiber and runs the simulation, on the calling thread, until all have
     * ended (their {@code finally} blocks run in virtual time). Idempotent. No thread is left
     * behind: a simulation has none of its own.
     *
     * @throws IllegalStateException if called from a fiber of this scheduler, or from a thread
     *         other than the one that called {@link #invoke}
     * @throws SimulationDeadlock if killed fibers park with nothing to wake them
     */
    @Override
    public void close() {
        if (terminated) {
            return;
        }
        requireNotOwnFiber("SimulatedScheduler.close()");
        closing = true;
        if (hub == null) {
            terminated = true;
            return;
        }
        if (Thread.currentThread() != hub.carrier()) {
            throw new IllegalStateException("SimulatedScheduler.close() was called from " + Strand.current() + ": close "
                    + "a simulation from the thread that invoked it (" + hub.carrier().getName() + "), which runs it");
        }
        running = true;
        try {
            hub.killEverything();
            for (Simulated s : runnable) {
                s.fiber.kill(); // queued, never parked: this only marks them
            }
            run(null);
        } catch (SimulationDeadlock d) {
            if (touchedFromOutside == null) {
                throw d;
            } // else a fiber woken from outside was lost: what is left is abandoned, as it cannot end
        } finally {
            running = false;
            terminated = true;
        }
    }

    @Override
    public boolean isClosed() {
        return closing;
    }

    @Override
    boolean isTerminated() {
        return terminated;
    }

    @Override
    public String toString() {
        return "SimulatedScheduler[" + policy + "]";
    }

    // ---- reports and counters (issue 14): a simulation is never in the live list (it has no
    // thread of its own to watch or dump from outside); these answer for its hub once it exists

    @Override
    String name() {
        return "simulation";
    }

    @Override
    int liveFibersRacy() {
        Hub h = hub;
        return h == null ? 0 : h.liveFibersRacy();
    }

    @Override
    int runnableRacy() {
        Hub h = hub;
        return h == null ? 0 : h.runnableRacy();
    }

    @Override
    int timersRacy() {
        Hub h = hub;
        return h == null ? 0 : h.timersRacy();
    }

    /**
     * Its hub's snapshot, taken inline by the driving thread (or from one of its fibers, which run
     * on that thread); from any other thread it would have to enqueue a request, which a
     * simulation's hub refuses.
     */
    @Override
    FiberDump.SchedulerSnapshot snapshot() {
        Hub h = hub;
        if (h == null) {
            return new FiberDump.SchedulerSnapshot(toString(), java.util.List.of(), -1, java.util.List.of());
        }
        if (Thread.currentThread() != h.carrier()) {
            throw new IllegalStateException("dump a simulation from one of its fibers or its driver ("
                    + h.carrier().getName() + "), not from " + Thread.currentThread().getName());
        }
        return new FiberDump.SchedulerSnapshot(toString(), java.util.List.of(h.carrierSnapshot()), -1, java.util.List.of());
    }

    @Override
    void forEachCarrier(java.util.function.Consumer<? super Hub> action) {
        Hub h = hub;
        if (h != null) {
            action.accept(h);
        }
    }

    @Override
    long switchCount() {
        Hub h = hub;
        return h == null ? 0 : h.switchCount();
    }

    @Override
    long parkCount() {
        Hub h = hub;
        return h == null ? 0 : h.parkCount();
    }

    @Override
    long unparkCount() {
        Hub h = hub;
        return h == null ? 0 : h.unparkCount();
    }

    // ---- the loop

    /**
     * Runs until {@code root} ends, or, for {@code root == null} (close), until every fiber has
     * ended. Decisions go to the policy only while a root runs; close runs its fibers in order.
     */
    private void run(Fiber<?> root) {
        for (;;) {
            IllegalStateException outside = touchedFromOutside;
            if (outside != null && root != null) {
                throw new IllegalStateException("The simulation was touched from outside, so this run cannot be "
                        + "trusted: " + outside.getMessage(), outside);
            }
            hub.fireTimers(clock); // NOTE: also while busy, so that Timeout.after(ZERO) fires at the next turn
            takeQueued();
            if (root != null ? root.isDone() : runnable.isEmpty() && hub.liveFibers() == 0) {
                return;
            }
            if (runnable.isEmpty()) {
                if (hub.pendingTimers() == 0) {
                    throw deadlock(root == null);
                }
                long next = hub.nextTimerWakeUp(); // NOTE: may be before the deadline (a cancelled timer): the clock then stops there unseen
                if (next - clock > 0) {
                    clock = next;
                }
                continue;
            }
            runNext(root != null);
        }
    }

    /** Moves what the last turn made runnable from the hub's queue to the runnable list, in order. */
    private void takeQueued() {
        for (Object task; (task = hub.pollQueued()) != null; ) {
            if (task instanceof ContinuationFiber<?> f) {
                runnable.add(fibers.get(f));
            } else {
                ((Runnable) task).run(); // a runtime task queued behind the current fiber (harnesses only)
            }
        }
    }

    private void runNext(boolean decide) {
        int n = runnable.size();
        int choice = 0;
        if (n > 1 && decide) {
            choice = policy.pick(point);
            if (choice < 0 || choice >= n) {
                throw new IllegalStateException("SchedulePolicy " + policy + " picked " + choice + " at step "
                        + trace.size() + " with " + n + " runnable fibers: it must return an index in [0, " + n + ")");
            }
            record(choice, n, runnable.get(choice));
        }
        if (decide && ++turns > maxTurns) {
            throw new IllegalStateException("The simulation ran " + maxTurns + " turns (at virtual time " + clock
                    + " ns) without its root fiber ending: a livelock (a fiber that waits by yielding or sleeping in a "
                    + "loop), or raise maxTurns if the program is that long");
        }
        Simulated next = runnable.remove(choice);
        previousId = next.id;
        next.site = null; // it moves on: where it was is stale
        next.fiber.runOnCarrier(hub);
    }

    private void record(int choice, int options, Simulated chosen) {
        String site = recordSites ? chosen.site() : null;
        trace.add(new ScheduleStep(trace.size(), choice, options, chosen.id, chosen.name(), site));
        long h = hash;
        h = (h ^ choice) * FNV_PRIME;
        h = (h ^ options) * FNV_PRIME;
        h = (h ^ chosen.id) * FNV_PRIME;
        hash = site == null ? h : (h ^ site.hashCode()) * FNV_PRIME;
    }

    private SimulationDeadlock deadlock(boolean closing) {
        List<String> parked = new ArrayList<>();
        StringBuilder b = new StringBuilder(closing
                ? "Deadlock while closing the simulation: fibers killed by close() parked again with nothing to wake them "
                + "(a fiber that catches FiberExit must not wait for ever):"
                : "Deadlock at virtual time " + clock + " ns, after " + trace.size() + (trace.size() == 1 ? " decision" : " decisions")
                + ": every fiber is parked, "
                + "none is runnable and no timer is armed, so none can ever wake:");
        for (Fiber<?> f = hub.firstLive(); f != null; f = f.liveNext) {
            Simulated s = fibers.get(f);
            String line = f.name() + " (#" + s.id + ") at " + s.site();
            parked.add(line);
            b.append(System.lineSeparator()).append("  ").append(line);
        }
        return new SimulationDeadlock(b.toString(), parked);
    }

    // ---- the runtime's side

    /** The id of a fiber of this simulation, 0 if it was never admitted. Simulation thread (or after a run). */
    long idOf(Fiber<?> f) {
        Simulated s = fibers.get(f);
        return s == null ? 0 : s.id;
    }

    @Override
    void admitToCarrier(ContinuationFiber<?> f) {
        requireInside("spawn " + f);
        fibers.put(f, new Simulated(f, nextId++));
        hub.enqueue(f);
    }

    /** Throws unless the caller is the simulation's thread (a fiber of it, or its driver in invoke or close). */
    void requireInside(String what) {
        if (hub == null || Thread.currentThread() != hub.carrier() || !running) {
            throw outside(what);
        }
    }

    /** For {@link Hub#enqueue}: a thread other than the simulation's woke a fiber or queued a task. */
    IllegalStateException touchedFromOutside(Object task) {
        return outside(task instanceof Fiber<?> f ? "wake " + f : "queue a task on");
    }

    private IllegalStateException outside(String what) {
        boolean otherThread = hub != null && Thread.currentThread() != hub.carrier();
        String who = hub == null ? "before invoke()"
                : otherThread ? "from " + Strand.current() + ", outside " + this + " (whose thread is "
                + hub.carrier().getName() + ")"
                : "from " + Strand.current() + " while " + this + " is not running (outside invoke and close)";
        IllegalStateException e = new IllegalStateException("Tried to " + what + " " + who + ": a simulated program "
                + "must stay inside the simulation, or its runs would not repeat. Only fibers of the simulation may "
                + "spawn, wake or kill its fibers; a thread may call invoke() (whose body spawns the rest) and close().");
        if (otherThread && touchedFromOutside == null) {
            touchedFromOutside = e; // NOTE: a benign race: any one of several touches is enough to fail the run
        }
        return e;
    }

    /** A strand waits for fiber {@code f} of this simulation: only its own fibers can, or a thread while it runs elsewhere. */
    void requireJoinable(Fiber<?> f, Strand waiter) {
        boolean ownFiber = waiter instanceof Fiber<?> w && w.scheduler() == this;
        if (!ownFiber && (!running || hub == null || Thread.currentThread() == hub.carrier())) {
            throw new IllegalStateException(waiter + " waits for " + f + " of " + this + " from outside the simulation, "
                    + "which runs only inside invoke(): nothing would ever finish it, and this wait would block for "
                    + "ever. Wait for it inside invoke's body.");
        }
    }

    /** For a fiber that could not suspend: in a simulation nothing could ever wake the blocked thread. */
    IllegalStateException pinned(Fiber<?> f, String reason) {
        return new IllegalStateException(f + " tried to park but could not suspend (pinned: " + reason + "), which "
                + "would block the simulation's only thread for good. In a simulation, do not park inside synchronized "
                + "blocks or native frames; use Weft's locks.");
    }

    static IllegalStateException patchedUnsupported() {
        return new IllegalStateException("A SimulatedScheduler cannot run patched fibers (Monkey mode): a virtual "
                + "thread parks, wakes and times out through the JDK, outside the simulation's control, so its runs "
                + "would not repeat. Spawn plain fibers in a simulation, and do not call Monkey.patchAll() in a JVM "
                + "that runs simulations.");
    }

    @Override
    void submitTask(Runnable virtualThreadTurn) {
        throw patchedUnsupported();
    }

    @Override
    void patchedStarted(Fiber<?> f) {
        throw patchedUnsupported();
    }

    @Override
    void patchedEnded(Fiber<?> f) {
        throw patchedUnsupported();
    }

    @Override
    void armPatchedTimer(TimerTask task, long deadline) {
        throw patchedUnsupported();
    }

    @Override
    void disarmPatchedTimer(TimerTask task) {
        throw patchedUnsupported();
    }

    @Override
    void disarmPatchedTimerFromAnywhere(TimerTask task) {
        throw patchedUnsupported();
    }

    // ---- suspension sites

    /** A fiber of the simulation: its id and, while it is suspended, where (computed on demand). */
    private static final class Simulated {
        final ContinuationFiber<?> fiber;
        final long id;
        /** Where it suspended: START before its first run, null while stale (it ran since). */
        String site = START;
        /** Its name, made once: a trace names a fiber at every decision. */
        private String name;

        Simulated(ContinuationFiber<?> fiber, long id) {
            this.fiber = fiber;
            this.id = id;
        }

        String name() {
            if (name == null) {
                name = fiber.name();
            }
            return name;
        }

        String site() {
            if (site == null) {
                site = fiber.continuation().walkSuspended(SimulatedScheduler::siteOf);
            }
            return site;
        }
    }

    /**
     * The first frame outside the runtime (Weft's fibers and locks, the JDK's continuation
     * internals), after the runtime frame it called: {@code "Semaphore.acquire <- Account.transfer:42"}.
     */
    private static String siteOf(Stream<StackFrame> frames) {
        StackFrame callee = null;
        for (Iterator<StackFrame> it = frames.iterator(); it.hasNext(); ) {
            StackFrame f = it.next();
            if (!RUNTIME.get(f.getDeclaringClass())) {
                String at = simpleName(f.getClassName()) + "." + f.getMethodName() + ":" + f.getLineNumber();
                return callee == null ? at : method(callee) + " <- " + at;
            }
            if (f.getDeclaringClass() == Fiber.class
                    && (f.getMethodName().equals("body") || f.getMethodName().equals("runRunnable"))) {
                break; // the fiber's task is a runtime method itself (a method reference such as Strand::park)
            }
            callee = f;
        }
        return callee == null ? "?" : method(callee);
    }

    private static String method(StackFrame f) {
        return simpleName(f.getClassName()) + "." + f.getMethodName();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /**
     * Whether a class is part of the runtime: the JDK's continuation internals, and Weft's fibers
     * and locks packages as shipped (a test class in one of those packages is user code: it is
     * loaded from elsewhere).
     */
    private static final ClassValue<Boolean> RUNTIME = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            String name = c.getName();
            if (name.startsWith("jdk.internal.vm.")) {
                return true;
            }
            Class<?> anchor = name.startsWith("dev.weft.fibers.") ? Fiber.class
                    : name.startsWith("dev.weft.locks.") ? classNamed("dev.weft.locks.Semaphore", c.getClassLoader())
                    : null;
            return anchor != null && Objects.equals(location(anchor), location(c));
        }
    };

    private static Class<?> classNamed(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Object location(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }

    /** The decision being made, as the policy sees it. Valid only during pick. */
    private final class Point implements SchedulePoint {
        @Override
        public int step() {
            return trace.size();
        }

        @Override
        public int runnable() {
            return runnable.size();
        }

        @Override
        public long fiberId(int i) {
            return runnable.get(i).id;
        }

        @Override
        public String fiberName(int i) {
            return runnable.get(i).name();
        }

        @Override
        public long previousFiberId() {
            return previousId;
        }

        @Override
        public String suspendedAt(int i) {
            return runnable.get(i).site();
        }
    }
}
