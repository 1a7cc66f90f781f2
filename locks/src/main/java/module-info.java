/**
 * Fiber-aware locks: FIFO hand-off semaphores and re-entrant locks that fibers and threads share.
 *
 * <p>Reads {@code dev.weft.fibers} transitively, since its API names {@code Strand} and the
 * exceptions a waiting fiber receives.
 */
module dev.weft.locks {
    requires transitive dev.weft.fibers;
    requires org.jctools.core.jdk11;

    exports dev.weft.locks;
    exports dev.weft.locks.channels;
    exports dev.weft.locks.pool;
}
