package dev.weft.fibers;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The schedulers' MBeans, and the daemon thread ({@code weft-mbeans}) that keeps them registered
 * in the platform MBean server: {@code dev.weft:type=Schedulers} for the JVM (the JVM-wide dump,
 * which {@code ./weft dump PID} invokes) and {@code dev.weft:type=Scheduler,name=NAME} per live
 * scheduler (its dump and counters).
 *
 * <p>Why a thread of its own: registering an MBean costs microseconds, and loading JMX the first
 * time tens of milliseconds, which opening and closing a hub must not pay (issue 16 wants both
 * under 100 us). So a scheduler only joins the JVM's live list, as it does anyway; the thread,
 * started by the first scheduler, registers what appeared on that list and unregisters what
 * left it, once a second. An MBean may therefore appear up to a second after its scheduler
 * started and linger up to a second after it stopped (its dump is then empty). Neither the beans
 * nor the thread hold a scheduler strongly, so a closed one can be collected at once. Two live
 * schedulers of one name are told apart by an {@code id} key. The system property
 * {@value #PROPERTY}{@code =false} keeps Weft out of JMX altogether.
 */
final class SchedulerMBeans {
    /** System property: {@code false} registers no MBean and starts no thread. */
    static final String PROPERTY = "dev.weft.jmx";
    static final String JVM_NAME = "dev.weft:type=Schedulers";
    private static final long SYNC_NANOS = 1_000_000_000L;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private SchedulerMBeans() {}

    /** A scheduler started: the first one starts the registering thread. */
    static void schedulerStarted() {
        if (!STARTED.get() && !"false".equals(System.getProperty(PROPERTY)) && STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().name("weft-mbeans").daemon().start(SchedulerMBeans::run);
        }
    }

    /** The name of {@code s}'s MBean. */
    static ObjectName nameOf(Scheduler s) throws JMException {
        return new ObjectName("dev.weft:type=Scheduler,name=" + ObjectName.quote(s.name()));
    }

    private static void run() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(jvmBean(), new ObjectName(JVM_NAME));
        } catch (JMException | RuntimeException e) {
            System.getLogger("dev.weft").log(System.Logger.Level.WARNING,
                    "Weft could not register its MBean " + JVM_NAME + "; ./weft dump will not find it", e);
        }
        // Only this thread touches it. Weak, as the beans' references are: a stopped scheduler is
        // held by nothing of JMX's between two syncs, so it can be collected as soon as it is closed.
        Map<ObjectName, WeakReference<Scheduler>> registered = new HashMap<>();
        for (;;) {
            sync(server, registered);
            LockSupport.parkNanos(SYNC_NANOS);
        }
    }

    /** Registers the live schedulers not registered yet, unregisters those that stopped. */
    private static void sync(MBeanServer server, Map<ObjectName, WeakReference<Scheduler>> registered) {
        Set<Scheduler> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Scheduler.forEachLive(live::add);
        registered.entrySet().removeIf(e -> {
            Scheduler s = e.getValue().get();
            if (s != null && live.remove(s)) {
                return false; // still live, and registered: nothing to do
            }
            try {
                server.unregisterMBean(e.getKey());
            } catch (JMException ignored) {
                // unregistered by someone else: nothing left to do
            }
            return true;
        });
        for (Scheduler s : live) { // the live ones not registered yet
            WeakReference<Scheduler> ref = new WeakReference<>(s);
            try {
                ObjectName name = nameOf(s);
                if (registered.containsKey(name)) { // two live schedulers of one name: tell them apart
                    name = new ObjectName(name + ",id=" + Integer.toHexString(System.identityHashCode(s)));
                }
                registered.put(server.registerMBean(schedulerBean(ref, s.toString()), name).getObjectName(), ref);
            } catch (JMException | RuntimeException e) {
                System.getLogger("dev.weft").log(System.Logger.Level.WARNING, "Weft could not register the MBean of " + s, e);
            }
        }
    }

    // ------------------------------------------------------------------ the beans

    private static DynamicMBean jvmBean() {
        return new Bean("The fiber schedulers of this JVM (Weft)",
                Map.of("Schedulers", attribute("Schedulers", "int", "schedulers whose carriers run", () -> {
                    int[] n = {0};
                    Scheduler.forEachLive(s -> n[0]++);
                    return n[0];
                })),
                Map.of("dump", operation("dump", "a fiber dump of every scheduler, as text", Scheduler::dumpAll),
                        "dumpJson", operation("dumpJson", "a fiber dump of every scheduler, as JSON", Scheduler::dumpAllJson)));
    }

    /** The bean of a scheduler, held weakly: once the scheduler is collected its attributes read null. */
    private static DynamicMBean schedulerBean(WeakReference<Scheduler> ref, String description) {
        Map<String, Counter> attributes = new java.util.LinkedHashMap<>();
        for (Counter c : new Counter[] {
                attribute("Kind", "java.lang.String", "Hub or MultiCarrierScheduler", of(ref, s -> s.getClass().getSimpleName())),
                attribute("Closed", "boolean", "whether close() was called", of(ref, Scheduler::isClosed)),
                attribute("LiveFibers", "int", "started fibers not ended (racy)", of(ref, Scheduler::liveFibersRacy)),
                attribute("Runnable", "int", "fibers and turns queued to run (racy)", of(ref, Scheduler::runnableRacy)),
                attribute("Timers", "int", "timers armed (racy)", of(ref, Scheduler::timersRacy)),
                attribute("Switches", "long", "tasks the carriers ran: fibers mounted, patched turns", of(ref, Scheduler::switchCount)),
                attribute("Parks", "long", "suspensions of plain fibers in a park", of(ref, Scheduler::parkCount)),
                attribute("Unparks", "long", "parked plain fibers made runnable again", of(ref, Scheduler::unparkCount))}) {
            attributes.put(c.info.getName(), c);
        }
        Supplier<Object> dump = of(ref, Scheduler::dump);
        Supplier<Object> dumpJson = of(ref, Scheduler::dumpJson);
        return new Bean("A Weft fiber scheduler: " + description, attributes,
                Map.of("dump", operation("dump", "a fiber dump of this scheduler, as text", () -> String.valueOf(dump.get())),
                        "dumpJson", operation("dumpJson", "a fiber dump of this scheduler, as JSON", () -> String.valueOf(dumpJson.get()))));
    }

    /** {@code read} of the scheduler, or null once it was collected (it stopped; its bean is about to go). */
    private static Supplier<Object> of(WeakReference<Scheduler> ref, java.util.function.Function<Scheduler, Object> read) {
        return () -> {
            Scheduler s = ref.get();
            return s == null ? null : read.apply(s);
        };
    }

    private record Counter(MBeanAttributeInfo info, Supplier<Object> value) {
    }

    private record Operation(MBeanOperationInfo info, Supplier<String> call) {
    }

    private static Counter attribute(String name, String type, String description, Supplier<Object> value) {
        return new Counter(new MBeanAttributeInfo(name, type, description, true, false, type.equals("boolean")), value);
    }

    private static Operation operation(String name, String description, Supplier<String> call) {
        return new Operation(new MBeanOperationInfo(name, description, new javax.management.MBeanParameterInfo[0],
                "java.lang.String", MBeanOperationInfo.INFO), call);
    }

    /** A read-only MBean of attributes and parameterless operations, built from suppliers. */
    private static final class Bean implements DynamicMBean {
        private final Map<String, Counter> attributes;
        private final Map<String, Operation> operations;
        private final MBeanInfo info;

        Bean(String description, Map<String, Counter> attributes, Map<String, Operation> operations) {
            this.attributes = attributes;
            this.operations = operations;
            this.info = new MBeanInfo(Bean.class.getName(), description,
                    attributes.values().stream().map(Counter::info).toArray(MBeanAttributeInfo[]::new), null,
                    operations.values().stream().map(Operation::info).toArray(MBeanOperationInfo[]::new), null);
        }

        @Override
        public Object getAttribute(String name) throws AttributeNotFoundException {
            Counter c = attributes.get(name);
            if (c == null) {
                throw new AttributeNotFoundException(name + " is not an attribute of this MBean; it has " + attributes.keySet());
            }
            return c.value().get();
        }

        @Override
        public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
            throw new AttributeNotFoundException("the attributes of Weft's MBeans are read-only: " + attribute.getName());
        }

        @Override
        public AttributeList getAttributes(String[] names) {
            AttributeList list = new AttributeList();
            for (String n : names) {
                Counter c = attributes.get(n);
                if (c != null) {
                    list.add(new Attribute(n, c.value().get()));
                }
            }
            return list;
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String name, Object[] params, String[] signature) throws ReflectionException {
            Operation op = operations.get(name);
            if (op == null || (params != null && params.length > 0)) {
                throw new ReflectionException(new NoSuchMethodException(name + " with " + (params == null ? 0 : params.length)
                        + " parameters is not an operation of this MBean; it has " + operations.keySet() + ", without parameters"));
            }
            return op.call().get();
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            return info;
        }
    }
}
