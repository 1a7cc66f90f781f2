package dev.weft.fibers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
