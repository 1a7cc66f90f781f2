package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-fiber values (probe P22). */
class FiberLocalTest {
    private final Hub hub = new Hub();

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void eachFiberSeesItsOwnValueAndTheThreadItsOwn() throws Exception { // P22, P22b
        FiberLocal<String> local = new FiberLocal<>();
        local.set("main");
        List<String> seen = new ArrayList<>();
        hub.invoke(() -> {
            Fiber<Void> a = Fiber.spawn(() -> {
                local.set("a");
                Fiber.yieldNow();
                seen.add(local.get());
            });
            Fiber<Void> b = Fiber.spawn(() -> {
                seen.add(String.valueOf(local.get())); // a new fiber sees no value
                local.set("b");
                Fiber.yieldNow();
                seen.add(local.get());
            });
            return Fiber.joinAll(a, b);
        });
        assertEquals(List.of("null", "a", "b"), seen);
        assertEquals("main", local.get());
    }

    @Test
    void initialValuesAreMadePerFiberAndRemoveResetsThem() throws Exception {
        FiberLocal<List<String>> local = FiberLocal.withInitial(ArrayList::new);
        hub.invoke(() -> {
            local.get().add("x");
            Fiber<Integer> other = Fiber.spawn(() -> local.get().size());
            assertEquals(0, other.get());
            assertEquals(List.of("x"), local.get());
            local.remove();
            assertEquals(List.of(), local.get());
            return null;
        });
        FiberLocal<String> plain = new FiberLocal<>();
        assertNull(hub.invoke(plain::get));
    }

    /** A fiber's storage for locals depends on the locals it uses, not on how many were ever created. */
    @Test
    void aFiberPaysOnlyForTheLocalsItSets() throws Exception {
        List<FiberLocal<Integer>> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            many.add(new FiberLocal<>());
        }
        FiberLocal<String> fresh = new FiberLocal<>();
        int slots = hub.invoke(() -> {
            fresh.set("x");
            many.get(99_999).set(1);
            assertEquals("x", fresh.get());
            assertEquals(1, many.get(99_999).get());
            assertNull(many.get(5).get());
            return Fiber.current().extras().locals.capacity();
        });
        assertTrue(slots <= 32, "a fiber that set two locals holds " + slots + " slots");
    }

    /** Many locals in one fiber: each keeps its own value (the per-fiber table grows and probes correctly). */
    @Test
    void manyLocalsInOneFiberKeepTheirValues() throws Exception {
        List<FiberLocal<Integer>> locals = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            locals.add(FiberLocal.withInitial(() -> -1));
        }
        hub.invoke(() -> {
            for (int i = 0; i < locals.size(); i += 2) {
                locals.get(i).set(i);
            }
            for (int i = 0; i < locals.size(); i++) {
                assertEquals(i % 2 == 0 ? i : -1, locals.get(i).get());
            }
            for (int i = 0; i < locals.size(); i += 4) {
                locals.get(i).remove();
            }
            for (int i = 0; i < locals.size(); i++) {
                assertEquals(i % 4 == 0 || i % 2 == 1 ? -1 : i, locals.get(i).get());
            }
            return null;
        });
    }

    /**
     * A long-lived fiber that sets many short-lived locals holds only the live ones: a local that
     * is no longer reachable does not keep its entry (weak keys, expunged when the table grows).
     */
    @Test
    void aFiberDoesNotKeepTheValuesOfLocalsNobodyHoldsAnyMore() throws Exception {
        FiberLocal<String> kept = new FiberLocal<>();
        int slots = hub.invoke(() -> {
            kept.set("kept");
            for (int i = 0; i < 200_000; i++) {
                new FiberLocal<Integer>().set(i);
                if (i % 20_000 == 0) {
                    System.gc(); // clears the weak keys of the locals dropped so far
                }
            }
            assertEquals("kept", kept.get());
            return Fiber.current().extras().locals.capacity();
        });
        assertTrue(slots <= 65_536, "200,000 dropped locals left a table of " + slots + " slots");
    }
}
