package dev.weft.fibers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A fiber dump: snapshots of schedulers, their carriers and their live fibers, and the two forms
 * they are shown in, text (after gevent's {@code format_run_info}) and JSON.
 *
 * <p>Who may take what: a plain fiber's frames are walked only on its own carrier, between two
 * turns, when no fiber of that carrier is mounted (a hub answers a dump request as a task of its
 * run queue); a patched fiber's frames come from its virtual thread, which the JDK walks safely
 * from any thread. Everything else a snapshot reads (state, blocker, park stamp) is read racily:
 * a dump is a report, not a synchronisation point.
 */
final class FiberDump {

    private FiberDump() {}

    /** One fiber, as a dump shows it. {@code waitedMillis} is -1 when it is not in a park. */
    record FiberSnapshot(String id, String name, boolean patched, String state, String waitsOn, String waitsOnObject,
                         long waitedMillis, boolean timed, StackTraceElement[] stack, Throwable spawnSite,
                         boolean current) {
    }

    /**
     * One carrier. {@code answered} false: its thread did not run the dump request in time (a
     * fiber blocks it), so only its thread's state and stack are known, and the counts are racy;
     * {@code threadState} and {@code threadStack} are null for a carrier that answered.
     */
    record CarrierSnapshot(String thread, Thread.State threadState, boolean answered, int runQueue, int inbox,
                           int timers, int liveFibers, boolean sockets, StackTraceElement[] threadStack,
                           List<FiberSnapshot> fibers) {
    }

    /**
     * One scheduler: its carriers, and the fibers that belong to no one carrier (a
     * multi-carrier scheduler's patched fibers); {@code sharedQueue} is -1 for a hub.
     */
    record SchedulerSnapshot(String scheduler, List<CarrierSnapshot> carriers, int sharedQueue,
                             List<FiberSnapshot> unboundFibers) {
    }

    // ------------------------------------------------------------------ taking snapshots

    /**
     * Snapshots {@code f}. A plain fiber must be parked, runnable or current on the calling
     * carrier (see the class comment); {@code current} is whether it runs this very call.
     */
    static FiberSnapshot of(Fiber<?> f, boolean current) {
        Object blocker = f.parkBlocker();
        long waited = f.parkedMillis();
        StackTraceElement[] stack;
        try {
            stack = current ? new Throwable().getStackTrace() : f.unmountedStack();
        } catch (RuntimeException racing) { // mounted meanwhile (a patched fiber): no frames this time
            stack = new StackTraceElement[0];
        }
        return new FiberSnapshot(Integer.toHexString(System.identityHashCode(f)), f.name(), f.isPatched(),
                current ? "RUNNING (taking this dump)" : f.stateName(), describe(blocker),
                blocker == null ? null : blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker)), waited, waited >= 0 && f.inTimedPark(),
                trim(stack), f.spawnSite(), current);
    }

    /** The blocker's own account of itself; a broken toString must not break the dump (nor a JFR event). */
    static String describe(Object blocker) {
        if (blocker == null) {
            return null;
        }
        try {
            return String.valueOf(blocker);
        } catch (RuntimeException e) {
            return blocker.getClass().getName() + " (its toString threw " + e + ")";
        }
    }

    /** Frames of the park and dump machinery, which start every parked fiber's stack and say nothing. */
    private static final Set<String> MACHINERY = Set.of(
            "jdk.internal.vm.Continuation", "java.lang.VirtualThread", "java.lang.Thread",
            "java.util.concurrent.locks.LockSupport", "jdk.internal.misc.Unsafe",
            FiberContinuation.class.getName(), ContinuationFiber.class.getName(), PatchedFiber.class.getName(),
            Strand.class.getName(), FiberDump.class.getName(), Hub.class.getName(), Scheduler.class.getName(),
            MultiCarrierScheduler.class.getName(), DeadlockReport.class.getName());

    /**
     * Drops the leading machinery frames, and every frame from
     * the fiber's body down (the runtime's, and the carrier's loop below a fiber that takes a dump).
     */
    static StackTraceElement[] trim(StackTraceElement[] stack) {
        int from = 0;
        while (from < stack.length && isMachinery(stack[from])) {
            from++;
        }
        int to = from;
        while (to < stack.length && !isBottom(stack[to])) {
            to++;
        }
        return from == stack.length ? stack : java.util.Arrays.copyOfRange(stack, from, to);
    }

    /** The runtime's frames above a spawn site's first caller frame: the constructors and spawn methods. */
    private static final Set<String> SPAWNING = Set.of(Fiber.class.getName(), ContinuationFiber.class.getName(),
            PatchedFiber.class.getName(), Scheduler.class.getName(), Hub.class.getName(),
            MultiCarrierScheduler.class.getName());

    /** A spawn site from the spawner's first frame down to (not into) the spawning fiber's body. */
    static StackTraceElement[] trimSpawnSite(StackTraceElement[] stack) {
        int from = 0;
        while (from < stack.length && SPAWNING.contains(stack[from].getClassName())) {
            from++;
        }
        int to = from;
        while (to < stack.length && !isBottom(stack[to])) {
            to++;
        }
        return from == stack.length ? stack : java.util.Arrays.copyOfRange(stack, from, to);
    }

    /** The first frame below a fiber's task: its body, or the continuation's entry. */
    private static boolean isBottom(StackTraceElement e) {
        String c = e.getClassName();
        return c.equals("jdk.internal.vm.Continuation")
                || (c.equals(Fiber.class.getName()) && (e.getMethodName().equals("body") || e.getMethodName().equals("runRunnable")));
    }

    private static boolean isMachinery(StackTraceElement e) {
        String c = e.getClassName();
        return MACHINERY.contains(c)
                || c.startsWith(FiberDump.class.getName() + "$");
    }

    // ------------------------------------------------------------------ text

    private static final String NL = System.lineSeparator();

    static String text(List<SchedulerSnapshot> schedulers) {
        StringBuilder b = new StringBuilder()
                .append("Weft fiber dump at ").append(Instant.now()).append(", pid ").append(ProcessHandle.current().pid())
                .append(", ").append(schedulers.size()).append(schedulers.size() == 1 ? " scheduler" : " schedulers")
                .append(NL);
        for (SchedulerSnapshot s : schedulers) {
            b.append(NL).append(s.scheduler());
            if (s.sharedQueue() >= 0) {
                b.append(": shared queue ").append(s.sharedQueue());
            }
            b.append(NL);
            for (CarrierSnapshot c : s.carriers()) {
                appendCarrier(b, c);
            }
            for (FiberSnapshot f : s.unboundFibers()) {
                appendFiber(b, f, "  ");
            }
        }
        return b.toString();
    }

    private static void appendCarrier(StringBuilder b, CarrierSnapshot c) {
        b.append("  carrier ").append(c.thread()).append(c.answered() ? "" : " (" + c.threadState() + ")").append(": run queue ")
                .append(c.runQueue()).append(", inbox ").append(c.inbox()).append(", timers ").append(c.timers())
                .append(", sockets ").append(c.sockets() ? "yes" : "no").append(", live fibers ").append(c.liveFibers())
                .append(NL);
        if (!c.answered()) {
            b.append("    did not answer within the dump's wait: a fiber blocks it (counts above are racy); its thread:")
                    .append(NL);
            appendFrames(b, c.threadStack(), "      ");
            return;
        }
        for (FiberSnapshot f : c.fibers()) {
            appendFiber(b, f, "    ");
        }
    }

    /** One fiber: a header line (id, name, kind, state, what it waits on and for how long), its frames, its spawn site. */
    static void appendFiber(StringBuilder b, FiberSnapshot f, String indent) {
        b.append(indent).append("fiber ").append(f.name()).append(" (id ").append(f.id())
                .append(f.patched() ? ", patched, " : ", plain, ").append(f.state()).append(')');
        if (f.waitedMillis() >= 0) {
            b.append(f.timed() ? " waits (timed) " : " waits ").append(String.format(Locale.ROOT, "%,d", f.waitedMillis()))
                    .append(" ms on ").append(f.waitsOn() == null ? "nothing named (Strand.park())" : f.waitsOn());
            if (f.waitsOnObject() != null && !f.waitsOnObject().equals(f.waitsOn())) {
                b.append(" <").append(f.waitsOnObject()).append('>');
            }
        }
        b.append(NL);
        appendFrames(b, f.stack(), indent + "    ");
        if (f.spawnSite() != null) {
            b.append(indent).append("  ").append(f.spawnSite().getMessage()).append(", at:").append(NL);
            appendFrames(b, trimSpawnSite(f.spawnSite().getStackTrace()), indent + "    ");
        }
    }

    private static void appendFrames(StringBuilder b, StackTraceElement[] frames, String indent) {
        for (StackTraceElement e : frames) {
            b.append(indent).append("at ").append(e).append(NL);
        }
    }

    // ------------------------------------------------------------------ JSON

    static String json(List<SchedulerSnapshot> schedulers) {
        StringBuilder b = new StringBuilder().append("{\"time\":");
        string(b, Instant.now().toString());
        b.append(",\"pid\":").append(ProcessHandle.current().pid()).append(",\"schedulers\":[");
        for (int i = 0; i < schedulers.size(); i++) {
            SchedulerSnapshot s = schedulers.get(i);
            b.append(i == 0 ? "{" : ",{").append("\"scheduler\":");
            string(b, s.scheduler());
            if (s.sharedQueue() >= 0) {
                b.append(",\"sharedQueue\":").append(s.sharedQueue());
            }
            b.append(",\"carriers\":[");
            for (int j = 0; j < s.carriers().size(); j++) {
                carrierJson(b.append(j == 0 ? "" : ","), s.carriers().get(j));
            }
            b.append("],\"unboundFibers\":");
            fibersJson(b, s.unboundFibers());
            b.append('}');
        }
        return b.append("]}").toString();
    }

    private static void carrierJson(StringBuilder b, CarrierSnapshot c) {
        b.append("{\"thread\":");
        string(b, c.thread());
        b.append(",\"threadState\":");
        string(b, c.answered() ? null : String.valueOf(c.threadState()));
        b.append(",\"answered\":").append(c.answered()).append(",\"runQueue\":").append(c.runQueue())
                .append(",\"inbox\":").append(c.inbox()).append(",\"timers\":").append(c.timers())
                .append(",\"sockets\":").append(c.sockets()).append(",\"liveFibers\":").append(c.liveFibers());
        if (!c.answered()) {
            b.append(",\"threadStack\":");
            framesJson(b, c.threadStack());
        }
        b.append(",\"fibers\":");
        fibersJson(b, c.fibers());
        b.append('}');
    }

    private static void fibersJson(StringBuilder b, List<FiberSnapshot> fibers) {
        b.append('[');
        for (int i = 0; i < fibers.size(); i++) {
            FiberSnapshot f = fibers.get(i);
            b.append(i == 0 ? "{\"id\":" : ",{\"id\":");
            string(b, f.id());
            b.append(",\"name\":");
            string(b, f.name());
            b.append(",\"kind\":").append(f.patched() ? "\"patched\"" : "\"plain\"").append(",\"state\":");
            string(b, f.state());
            b.append(",\"waitsOn\":");
            string(b, f.waitsOn());
            b.append(",\"waitsOnObject\":");
            string(b, f.waitsOnObject());
            b.append(",\"waitedMillis\":").append(f.waitedMillis()).append(",\"timed\":").append(f.timed())
                    .append(",\"stack\":");
            framesJson(b, f.stack());
            if (f.spawnSite() != null) {
                b.append(",\"spawnedBy\":");
                string(b, f.spawnSite().getMessage());
                b.append(",\"spawnSite\":");
                framesJson(b, trimSpawnSite(f.spawnSite().getStackTrace()));
            }
            b.append('}');
        }
        b.append(']');
    }

    private static void framesJson(StringBuilder b, StackTraceElement[] frames) {
        b.append('[');
        for (int i = 0; i < frames.length; i++) {
            string(b.append(i == 0 ? "" : ","), frames[i].toString());
        }
        b.append(']');
    }

    /** A JSON string (RFC 8259 escapes), or {@code null}. */
    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        b.append('"');
    }

    // ------------------------------------------------------------------ asking a carrier

    /**
     * A carrier's answer to a dump request, waited for by the strand that asked. The request
     * runs as a task of the carrier's run queue, which does not count as progress for the
     * deadlock watch: a dump does not postpone or repeat a deadlock report.
     */
    static final class Answer {
        private final Strand asker = Strand.current();
        private volatile CarrierSnapshot snapshot;

        void give(CarrierSnapshot s) {
            snapshot = s; // NOTE: published before the asker is woken
            asker.unpark();
        }

        /** The answer, or null if none came within {@code nanos}. */
        CarrierSnapshot await(long nanos) {
            long deadline = System.nanoTime() + nanos;
            boolean interrupted = false;
            try {
                for (long left = nanos; snapshot == null && left > 0; left = deadline - System.nanoTime()) {
                    Strand.parkNanos(this, left);
                    if (Fiber.current() == null && Thread.interrupted()) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return snapshot;
        }

        @Override
        public String toString() {
            return "a carrier's answer to a fiber dump";
        }
    }

    /** The fibers of a list, snapshotted on the calling carrier. */
    static List<FiberSnapshot> ofAll(List<Fiber<?>> fibers) {
        Fiber<?> me = Fiber.current();
        List<FiberSnapshot> out = new ArrayList<>(fibers.size());
        for (Fiber<?> f : fibers) {
            out.add(of(f, f == me));
        }
        return out;
    }
}
