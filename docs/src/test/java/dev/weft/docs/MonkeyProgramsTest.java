package dev.weft.docs;

import dev.weft.fibers.Hub;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MonkeyProgramsTest {

    @Test
    void hundredBlockingSleepersAllFinishOnOneHub() throws Exception {
        try (Hub hub = new Hub()) {
            assertEquals(100, MonkeySleep.run(hub).size());
        }
    }

    @Test
    void theUnchangedEchoServerAnswersEveryClientCorrectly() throws Exception {
        try (Hub hub = new Hub()) {
            MonkeyEcho.Result r = MonkeyEcho.run(hub, 20, 50);
            assertEquals(1000, r.roundTrips());
            assertEquals(1000, r.correctReplies());
        }
    }
}
