package dev.weft.fibers;

import java.util.Arrays;

/**
 * A report that a fiber tried to suspend where it could not (a native frame or a class
 * initializer on its stack, or a critical section) and so blocked its carrier thread instead.
 * Delivered once per fiber to {@link Fiber#setPinnedHandler}.
 *
 * @param fiber  the pinned fiber
 * @param reason why it could not suspend, as the JDK names it ({@code NATIVE},
 *               {@code CRITICAL_SECTION}, ...)
 * @param stack  the fiber's stack at the failed suspension
 */
public record PinnedYield(Fiber<?> fiber, String reason, StackTraceElement[] stack) {

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder()
                .append(fiber).append(" could not suspend (pinned: ").append(reason)
                .append("); it blocks its carrier thread until woken");
        Arrays.stream(stack).forEach(e -> b.append(System.lineSeparator()).append("\tat ").append(e));
        return b.toString();
    }
}
