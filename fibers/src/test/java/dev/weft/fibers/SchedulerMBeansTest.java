package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scheduler's MBean appears once the weft-mbeans thread has seen it started (within about a
 * second), reads its counters and dumps it, and goes once it has stopped.
 */
class SchedulerMBeansTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @Test
    void aHubsMBeanShowsItsCountersAndDumpsItUntilItStops() throws Exception {
        ObjectName name = new ObjectName("dev.weft:type=Scheduler,name=\"mbean-hub\"");
        Hub hub = new Hub("mbean-hub");
        try {
            Fiber<Void> parked = hub.spawn("parked", () -> Strand.park(hub));
            awaitRegistered(name, true);
            assertEquals("Hub", SERVER.getAttribute(name, "Kind"));
            assertEquals(false, SERVER.getAttribute(name, "Closed"));
            assertEquals(1, SERVER.getAttribute(name, "LiveFibers"));
            assertTrue((Long) SERVER.getAttribute(name, "Switches") >= 1);
            String dump = (String) SERVER.invoke(name, "dump", new Object[0], new String[0]);
            assertTrue(dump.contains("fiber parked (id "), dump);
            assertTrue(((String) SERVER.invoke(name, "dumpJson", new Object[0], new String[0])).contains("\"name\":\"parked\""));
            assertTrue(((String) SERVER.invoke(new ObjectName("dev.weft:type=Schedulers"), "dump", new Object[0],
                    new String[0])).contains("Hub[mbean-hub]"));
            parked.kill();
        } finally {
            hub.close();
        }
        awaitRegistered(name, false);
    }

    private static void awaitRegistered(ObjectName name, boolean registered) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (SERVER.isRegistered(name) != registered && System.nanoTime() < deadline) {
            Thread.sleep(20); // a bounded wait for the weft-mbeans thread, which syncs once a second
        }
        assertEquals(registered, SERVER.isRegistered(name), name + (registered ? " never appeared" : " never went"));
    }
}
