package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;

import java.time.Duration;

/**
 * A kill racing a hand-off: A takes from a {@link Mailbox}; B puts an item after 1 ms; C kills A
 * after 1 ms. If B hands the item to A and C kills A before A resumes, A resumes with both the item
 * and the kill; the broken take drops the item as it exits.
 *
 * <p>Suspensions the bug needs: A's park in take, B's and C's sleeps ending at the same virtual
 * instant. Fix: an aborted take puts the item handed to it back (stress twins Lock_05 KillDropsGrant,
 * Channel_03 KillDropsItem).
 */
public final class KillRacingHandoff implements CorpusBug {

    @Override
    public String origin() {
        return "stress twins Lock_05/Channel_03 (kill drops the item), on one hub";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Mailbox<String> box = new Mailbox<>(fixed);
        String[] received = {null};
        Fiber<?>[] taker = {null};
        var actors = Actors.spawn(() -> received[0] = box.take(), () -> {
            Fiber.sleep(Duration.ofMillis(1));
            box.put("item");
        }, () -> {
            Fiber.sleep(Duration.ofMillis(1));
            taker[0].kill();
        });
        taker[0] = actors.get(0);
        actors.join();
        Actors.check(received[0] != null || box.size() == 1,
                "kill racing a hand-off: the item handed to a killed taker is lost");
    }
}
