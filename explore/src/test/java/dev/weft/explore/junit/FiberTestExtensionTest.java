package dev.weft.explore.junit;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class FiberTestExtensionTest {

    private static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    private static Throwable failureOf(Events events) {
        events.assertStatistics(s -> s.started(1).failed(1));
        Event failed = events.failed().list().getFirst();
        return failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
    }

    @Test
    void aFailingBodyFailsWithTheSeedTheShrunkScheduleAndTheAnnotationToReplay() {
        Throwable t = failureOf(run(FiberTestSamples.Failing.class));
        String message = t.getMessage();
        assertTrue(message.startsWith("@FiberTest failed at seed "), message);
        assertTrue(message.contains("lost update"), message);
        assertTrue(message.contains("shrunk schedule ("), message);
        assertTrue(message.contains("step 0: fiber "), message);
        Matcher replay = Pattern.compile("@FiberTest\\(replay = \"choices:([0-9,]*)\"\\)").matcher(message);
        assertTrue(replay.find(), message);
        assertTrue(message.contains("@FiberTest(replay = \"seed:"), message);
        assertInstanceOf(AssertionError.class, t.getCause(), "the cause is the body's own failure");
    }

    @Test
    void aPassingBodyRunsOncePerSeedAndPasses() {
        FiberTestSamples.Passing.runs = 0;
        run(FiberTestSamples.Passing.class).assertStatistics(s -> s.started(1).succeeded(1));
        assertEquals(25, FiberTestSamples.Passing.runs);
    }

    @Test
    void aReplayRunsTheGivenScheduleOnce() {
        Throwable t = failureOf(run(FiberTestSamples.ReplayFailing.class));
        assertTrue(t.getMessage().startsWith("@FiberTest replay \"choices:0,0,0\" fails"), t.getMessage());
    }

    @Test
    void misuseFailsSayingWhatToDo() {
        Throwable replay = failureOf(run(FiberTestSamples.BadReplay.class));
        assertTrue(replay.getMessage().contains("expected \"seed:N\", \"choices:0,1,...\" or \"file:PATH\""),
                replay.getMessage());
        Throwable parameter = failureOf(run(FiberTestSamples.BadParameter.class));
        assertTrue(parameter.getMessage().contains("String"), parameter.getMessage());
    }
}
