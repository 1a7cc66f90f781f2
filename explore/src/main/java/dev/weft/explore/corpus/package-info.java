/**
 * A corpus of classic concurrency bugs as fiber programs, each with its fixed version
 * ({@link dev.weft.explore.corpus.Corpus#bugs()}), and the table of what the explorer finds in them
 * ({@link dev.weft.explore.corpus.CorpusTable}, {@code ./weft explore}).
 *
 * <p>Fibers on one scheduler switch only at suspension points (a yield, a sleep, a lock or queue
 * wait, a park). Each bug's Javadoc says which suspension its interleaving needs: without it the
 * racy section runs atomically and the bug cannot happen on a hub, which is the point of fibers.
 * A broken program and its fix differ in the lines the Javadoc names (the {@code fixed} flag).
 */
package dev.weft.explore.corpus;
