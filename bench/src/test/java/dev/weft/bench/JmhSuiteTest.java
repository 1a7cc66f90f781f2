package dev.weft.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How {@link JmhSuite} combines a mode's defaults with the JMH options given on the command line. */
class JmhSuiteTest {
    private static final Path RESULT = Path.of("jmh.json");

    @Test
    void shortModeDefaultsApplyWhereTheCommandLineSetsNothing() throws CommandLineOptionException {
        JmhSuite.Plan plan = JmhSuite.plan("short", "PingPong", List.of(), RESULT);
        Options o = plan.options();
        assertEquals(1, o.getForkCount().get());
        assertEquals(1, o.getWarmupIterations().get());
        assertEquals(TimeValue.milliseconds(500), o.getWarmupTime().get());
        assertEquals(3, o.getMeasurementIterations().get());
        assertEquals(TimeValue.milliseconds(500), o.getMeasurementTime().get());
        assertEquals(List.of("PingPong"), o.getIncludes());
        assertEquals(List.of("gc"), o.getProfilers().stream().map(p -> p.getKlass()).toList());
        assertEquals(RESULT.toString(), o.getResult().get());
        assertEquals("-f 1 -wi 1 -w 500ms -i 3 -r 500ms -prof gc", plan.shown());
    }

    @Test
    void commandLineOptionsWinOverTheModeAndGcIsNotAddedTwice() throws CommandLineOptionException {
        JmhSuite.Plan plan = JmhSuite.plan("full", "", List.of("-f", "2", "-i", "1", "-prof", "gc"), RESULT);
        Options o = plan.options();
        assertEquals(2, o.getForkCount().get());
        assertEquals(1, o.getMeasurementIterations().get());
        assertEquals(3, o.getWarmupIterations().get());
        assertEquals(TimeValue.seconds(1), o.getMeasurementTime().get());
        assertEquals(List.of("gc"), o.getProfilers().stream().map(p -> p.getKlass()).toList());
        assertEquals("-wi 3 -w 1s -r 1s -f 2 -i 1 -prof gc", plan.shown());
    }

    @Test
    void anUnknownModeOrJmhOptionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> JmhSuite.plan("medium", "", List.of(), RESULT));
        assertThrows(CommandLineOptionException.class,
                () -> JmhSuite.plan("short", "", List.of("-f", "many"), RESULT));
    }
}
