package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.fibers.Timeout;
import dev.weft.fibers.TimeoutExpired;

import java.time.Duration;

/**
 * A {@link Timeout} racing a hand-off: A takes from a {@link Mailbox} within a 1 ms timeout; B
 * puts an item after sleeping 1 ms. Both timers fire at the same virtual instant; if B runs first
 * it hands the item to A, and A then resumes with both the item and the expired timeout. The broken
 * take drops the item as it throws the timeout: the item is neither received nor in the mailbox.
 *
 * <p>Suspensions the bug needs: A's park in take and B's sleep, both ending at 1 ms (virtual time
 * makes the tie exact, so the order is a scheduling decision). Fix: an aborted take puts the item
 * handed to it back (stress twin Lock_04 CancelDropsGrant, Queue_01 CancelDropsItem).
 */
public final class TimeoutRacingHandoff implements CorpusBug {

    @Override
    public String origin() {
        return "stress twins Lock_04/Queue_01 (cancel drops the grant), on one hub";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Mailbox<String> box = new Mailbox<>(fixed);
        String[] received = {null};
        Actors.run(() -> {
            try (Timeout t = Timeout.after(Duration.ofMillis(1))) {
                received[0] = box.take();
            } catch (TimeoutExpired gaveUp) {
                // the taker gave up; the item must still be in the mailbox
            }
        }, () -> {
            Fiber.sleep(Duration.ofMillis(1));
            box.put("item");
        });
        Actors.check(received[0] != null || box.size() == 1,
                "timeout racing a hand-off: the item handed to a taker that timed out is lost");
    }
}
