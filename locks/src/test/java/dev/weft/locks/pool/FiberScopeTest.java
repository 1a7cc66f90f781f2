package dev.weft.locks.pool;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Hub;
import dev.weft.locks.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FiberScope: joined on a normal end, killed and joined on a throw, the three policies, the
 * exception that carries every child failure, and misuse. Each scenario is the main fiber of a
 * {@link Hub}; nothing sleeps.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class FiberScopeTest {

    @BeforeEach
    void quietFailureHandler() {
        Fiber.setFailureHandler((f, t) -> { }); // children fail on purpose here; the scope carries their failures
    }

    @AfterEach
    void restoreFailureHandler() {
        Fiber.setFailureHandler((f, t) -> t.printStackTrace());
    }

    /** A child body that parks until killed, noting its cleanup. */
    private static Fiber<Void> parkedChild(FiberScope scope, Semaphore never, List<String> log, String name) {
        return scope.spawn(() -> {
            try {
                never.acquire();
            } finally {
                log.add(name + " cleaned up");
            }
        });
    }

    @Test
    void aBlockThatEndsWithJoinWaitsForEveryChild() throws Exception {
        try (Hub hub = new Hub()) {
            List<String> log = hub.invoke(() -> {
                List<String> out = new ArrayList<>();
                try (FiberScope scope = FiberScope.open()) {
                    scope.spawn(() -> {
                        Fiber.yieldNow();
                        out.add("a");
                        scope.spawn(() -> out.add("spawned by a"));
                    });
                    scope.spawn(() -> out.add("b"));
                    scope.join();
                    out.add("joined, alive " + scope.children().size());
                }
                out.add("closed");
                return out;
            });
            assertEquals(List.of("b", "a", "spawned by a", "joined, alive 0", "closed"), log);
        }
    }

    @Test
    void failFastKillsTheOthersAtTheFirstFailureAndThrowsIt() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                List<String> log = new ArrayList<>();
                Semaphore never = new Semaphore(0);
                IllegalStateException boom = new IllegalStateException("boom");
                try (FiberScope scope = FiberScope.open(FiberScope.Policy.FAIL_FAST)) {
                    parkedChild(scope, never, log, "x");
                    parkedChild(scope, never, log, "y");
                    scope.spawn(() -> {
                        Fiber.yieldNow();
                        throw boom;
                    });
                    ScopeFailedException e = assertThrows(ScopeFailedException.class, scope::join);
                    assertSame(boom, e.getCause());
                    assertEquals(0, e.getSuppressed().length);
                    assertEquals(List.of("x cleaned up", "y cleaned up"), log);
                }
                return null;
            });
        }
    }

    @Test
    void collectAllLetsEveryChildFinishAndCarriesEveryFailure() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                IllegalStateException first = new IllegalStateException("first");
                IllegalArgumentException second = new IllegalArgumentException("second");
                List<String> log = new ArrayList<>();
                try (FiberScope scope = FiberScope.open(FiberScope.Policy.COLLECT_ALL)) {
                    scope.spawn(() -> {
                        Fiber.yieldNow();
                        throw second;
                    });
                    scope.spawn(() -> {
                        throw first;
                    });
                    scope.spawn(() -> {
                        Fiber.yieldNow();
                        Fiber.yieldNow();
                        log.add("slow child finished");
                    });
                    ScopeFailedException e = assertThrows(ScopeFailedException.class, scope::join);
                    assertSame(first, e.getCause(), "the first failure in completion order is the cause");
                    assertEquals(List.of(second), List.of(e.getSuppressed()));
                    assertEquals(List.of("slow child finished"), log);
                }
                return null;
            });
        }
    }

    @Test
    void firstSuccessKillsTheOthersAndNamesTheWinner() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                List<String> log = new ArrayList<>();
                Semaphore never = new Semaphore(0);
                try (FiberScope scope = FiberScope.open(FiberScope.Policy.FIRST_SUCCESS)) {
                    scope.spawn(() -> {
                        throw new IllegalStateException("a failure does not decide");
                    });
                    parkedChild(scope, never, log, "slow");
                    Fiber<String> fast = scope.spawn(() -> {
                        Fiber.yieldNow();
                        return "fast";
                    });
                    scope.join();
                    assertSame(fast, scope.winner());
                    assertEquals("fast", fast.get());
                    assertEquals(List.of("slow cleaned up"), log);
                    assertEquals(1, scope.failures().size());
                }
                return null;
            });
        }
    }

    @Test
    void firstSuccessThrowsWhenNoChildSucceeds() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                try (FiberScope scope = FiberScope.open(FiberScope.Policy.FIRST_SUCCESS)) {
                    scope.spawn(() -> {
                        throw new IllegalStateException("one");
                    });
                    scope.spawn(() -> {
                        throw new IllegalStateException("two");
                    });
                    ScopeFailedException e = assertThrows(ScopeFailedException.class, scope::join);
                    assertEquals("one", e.getCause().getMessage());
                    assertEquals("two", e.getSuppressed()[0].getMessage());
                    assertNull(scope.winner());
                }
                return null;
            });
        }
    }

    @Test
    void aBlockThatThrowsKillsAndJoinsTheChildren() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                List<String> log = new ArrayList<>();
                Semaphore never = new Semaphore(0);
                IllegalStateException blockFailed = new IllegalStateException("the block failed");
                List<Fiber<?>> children = new ArrayList<>();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                    try (FiberScope scope = FiberScope.open()) {
                        children.add(parkedChild(scope, never, log, "child"));
                        Fiber.yieldNow();
                        throw blockFailed;
                    }
                });
                assertSame(blockFailed, e);
                assertEquals(List.of("child cleaned up"), log, "killed and joined before the exception left the block");
                assertTrue(children.getFirst().isCancelled());
                assertTrue(e.getSuppressed()[0].getMessage().contains("had not joined"), e.getSuppressed()[0].getMessage());
                return null;
            });
        }
    }

    @Test
    void closingWithoutJoinKillsTheChildrenAndSaysWhatToDo() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                List<String> log = new ArrayList<>();
                Semaphore never = new Semaphore(0);
                FiberScope scope = FiberScope.open();
                parkedChild(scope, never, log, "child");
                Fiber.yieldNow(); // the child runs and parks
                IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
                assertTrue(e.getMessage().contains("scope.join()"), e.getMessage());
                assertEquals(List.of("child cleaned up"), log);
                scope.close(); // idempotent
                return null;
            });
        }
    }

    @Test
    void runJoinsOnANormalEndAndKillsOnAThrow() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                List<String> log = new ArrayList<>();
                FiberScope.run(FiberScope.Policy.FAIL_FAST, scope -> scope.spawn(() -> {
                    Fiber.yieldNow();
                    log.add("joined child ran to its end");
                }));
                Semaphore never = new Semaphore(0);
                UnsupportedOperationException thrown = new UnsupportedOperationException("body failed");
                assertSame(thrown, assertThrows(UnsupportedOperationException.class, () ->
                        FiberScope.run(FiberScope.Policy.FAIL_FAST, scope -> {
                            parkedChild(scope, never, log, "killed child");
                            Fiber.yieldNow();
                            throw thrown;
                        })));
                assertEquals(List.of("joined child ran to its end", "killed child cleaned up"), log);
                return null;
            });
        }
    }

    @Test
    void misuseFailsLoudly() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                FiberScope scope = FiberScope.open();
                Fiber<String> child = scope.spawn(() -> assertThrows(IllegalStateException.class, scope::close).getMessage());
                Fiber<String> joiner = scope.spawn(() -> assertThrows(IllegalStateException.class, scope::join).getMessage());
                scope.join();
                assertTrue(child.get().contains("its child"), child.get());
                assertTrue(joiner.get().contains("only the owner"), joiner.get());
                scope.close();
                IllegalStateException late = assertThrows(IllegalStateException.class, () -> scope.spawn(() -> { }));
                assertTrue(late.getMessage().contains("after it was closed"), late.getMessage());
                assertThrows(IllegalStateException.class, scope::join);
                return null;
            });
        }
    }

    @Test
    void anOwnerKilledWhileJoiningTakesItsChildrenWithIt() throws Exception {
        try (Hub hub = new Hub()) {
            hub.invoke(() -> {
                List<String> log = new ArrayList<>();
                Semaphore never = new Semaphore(0);
                Fiber<Void> owner = Fiber.spawn(() -> {
                    try (FiberScope scope = FiberScope.open()) {
                        parkedChild(scope, never, log, "child");
                        scope.join();
                    }
                });
                Fiber.yieldNow();
                owner.kill();
                owner.join();
                assertTrue(owner.isCancelled());
                assertEquals(List.of("child cleaned up"), log);
                return null;
            });
        }
    }

    @Test
    void aThreadOwnsAScopeOfFibers() throws Exception {
        try (Hub hub = new Hub()) {
            List<Integer> results = new ArrayList<>();
            try (FiberScope scope = FiberScope.open(FiberScope.Policy.COLLECT_ALL, hub)) {
                Fiber<Integer> a = scope.spawn(() -> 1);
                Fiber<Integer> b = scope.spawn(() -> 2);
                scope.join();
                results.add(a.get());
                results.add(b.get());
            }
            assertEquals(List.of(1, 2), results);
        }
    }
}
