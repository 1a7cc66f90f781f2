package dev.weft.explore.corpus;

import dev.weft.explore.Explorer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every corpus bug is found by random exploration within 1,000 seeds, its seed and its shrunk
 * schedule replay it, the shrunk schedule is within two context switches of the fewest, and its
 * fix passes every schedule up to 2 preemptions in the first 40 decisions.
 * Small bounds so that the whole corpus costs a few seconds in {@code ./mvnw verify}; the full
 * table is {@code ./weft explore}.
 */
class CorpusTest {

    static List<CorpusBug> bugs() {
        return Corpus.bugs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void theBugIsFoundShrunkAndItsFixPasses(CorpusBug bug) {
        CorpusTable.Row row = CorpusTable.measure(bug, new CorpusTable.Settings(1000, Duration.ofSeconds(30), 40, 2));
        assertTrue(row.found(), bug.name() + " not found: " + row.random().summary());
        assertTrue(row.random().runs() <= 1000);
        assertTrue(row.shrunkNearShortest(), bug.name() + ": shrunk to " + row.shrunk().contextSwitches()
                + " switches, the fewest failing is " + (row.shortest() == null ? "none within 2" : row.shortest().contextSwitches()));
        assertTrue(row.fixed().passed(), bug.name() + " fixed: " + row.fixed().summary());
        Explorer broken = Explorer.of(bug.program(false));
        assertTrue(broken.replay(row.shrunk().schedule()).failed(), "the shrunk schedule replays the failure");
        long seed = row.random().failure().seed().orElseThrow();
        assertEquals(row.random().failure().traceHash(), broken.replay(seed).traceHash(), "seed " + seed + " replays");
    }

    @org.junit.jupiter.api.Test
    void theGeneratedPartReplacesOnlyWhatLiesBetweenTheMarkers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path page = dir.resolve("page.md");
        java.nio.file.Files.writeString(page, "before\n" + CorpusTable.BEGIN + "\nold\n" + CorpusTable.END + "\nafter\n");
        CorpusTable.writeBetweenMarkers(page, "new table\n");
        assertEquals("before\n" + CorpusTable.BEGIN + "\nnew table\n" + CorpusTable.END + "\nafter\n",
                java.nio.file.Files.readString(page));
    }
}
