package dev.weft.explore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    @Test
    void textFormRoundTrips() {
        Schedule s = Schedule.of(0, 1, 1, 0, 2);
        assertEquals("0,1,1,0,2", s.toString());
        assertEquals(s, Schedule.parse(s.toString()));
        assertEquals(s, Schedule.parse(" 0, 1 1,0 ,2 "));
        assertEquals(0, Schedule.parse("").length());
    }

    @Test
    void fileRoundTripsAndKeepsCommentsOutOfTheChoices(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.schedule");
        Schedule.of(1, 0, 1).write(file, List.of("FAILED: choices: 9,9 in a comment is not read"));
        assertTrue(Files.readString(file).contains("# FAILED"));
        assertArrayEquals(new int[] {1, 0, 1}, Schedule.read(file).choices());
    }

    @Test
    void badTextSaysWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("0,x,1"));
        assertTrue(e.getMessage().contains("item 1 (\"x\") is not a number"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedule.of(0, -1));
    }

    @Test
    void fileWithoutChoicesIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("empty");
        Files.writeString(file, "# nothing\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.read(file));
        assertTrue(e.getMessage().contains("no \"choices:\" line"), e.getMessage());
    }
}
