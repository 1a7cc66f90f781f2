/**
 * Schedule exploration for fiber programs: runs a program on Weft's simulated scheduler under many
 * schedules (random, PCT, exhaustive), stops at the first failure, replays it exactly and shrinks
 * it to the fewest context switches; a JUnit 5 extension ({@code @FiberTest}) and a corpus of
 * classic concurrency bugs with their fixed versions.
 *
 * <p>Reads JUnit Jupiter's API for the extension only; the runtime modules do not depend on it.
 */
module dev.weft.explore {
    requires transitive dev.weft.locks;
    requires transitive org.junit.jupiter.api;
    requires java.management; // CorpusTable: the exploring thread's CPU time

    exports dev.weft.explore;
    exports dev.weft.explore.junit;
    exports dev.weft.explore.corpus;
}
