package dev.weft.bench;

import dev.weft.bench.kotlin.SuspendedCoroutines;

/**
 * {@link ParkedMemory}'s Kotlin variant, {@code kotlin-1thread} (issue 16, "Also"): coroutines on one
 * {@code newSingleThreadContext} thread, each suspended in {@code suspendCancellableCoroutine}
 * below {@code depth} extra suspending calls, its continuation kept in the strand's slot (as the
 * other variants keep the fiber or thread that a waker holds). ParkedMemory loads this class by
 * name when it is on the class path: only a build with the Maven profile {@code kotlin-peers}
 * compiles it.
 */
public final class CoroutineParkedMemory implements ParkedMemory.Variant {
    private final SuspendedCoroutines coroutines = new SuspendedCoroutines();

    @Override
    public void park(Object[] keep, int depth) {
        coroutines.park(keep, depth);
    }

    @Override
    public void release(Object[] keep) {
        coroutines.release(keep);
    }
}
