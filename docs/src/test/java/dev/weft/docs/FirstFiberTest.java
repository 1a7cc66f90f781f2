package dev.weft.docs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FirstFiberTest {
    @Test
    void theGettingStartedExamplePrintsWhatTheGuideSays() throws Exception {
        assertEquals(List.of("answer: 42", "cleaned up after kill", "timed out after 5 ms"), FirstFiber.run());
    }
}
