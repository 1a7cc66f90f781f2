package dev.weft.stress.twins;

import dev.weft.fibers.Fiber;
import dev.weft.stress.NegativeControl;
import dev.weft.stress.harness.ActorCarrier;
import dev.weft.stress.locks.Select_01_TwoReadyOneWins;
import org.openjdk.jcstress.annotations.*;
import org.openjdk.jcstress.infra.results.*;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/*
 * NEGATIVE CONTROL: this test must FAIL. It runs Select_01_TwoReadyOneWins's shape (a fiber's
 * select waits on two buffered(1) channels; two threads send to them at once) on BrokenChannel
 * with LOSER_DROPS_ITEM: the sender that loses the race meets the select's node in its channel
 * after the other sender decided the select (the select unlinks its losing node only once it
 * runs again), its CAS fails, and instead of skipping the dead node and buffering its item it
 * counts the item as handed over. The item is lost: outcome "x, 0, 0", which Select_01 forbids.
 *
 * Run: ./weft stress quick Twin_Select_01
 */
@JCStressTest
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "The select took a's item; b's item stayed in b.")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The select took b's item; a's item stayed in a.")
@Outcome(id = ".*", expect = FORBIDDEN, desc = "Both clauses consumed an item (one is lost), none did, or the select hung.")
@Description("Negative control of Select_01: a send that loses the race for the select drops its item.")
@NegativeControl(of = Select_01_TwoReadyOneWins.class, defect = "a send whose CAS on an already decided select fails counts its item as handed over")
@State
public class Twin_Select_01_LoserDropsItem {
    private final BrokenChannel<String> a = new BrokenChannel<>(BrokenChannel.Defect.LOSER_DROPS_ITEM, 1);
    private final BrokenChannel<String> b = new BrokenChannel<>(BrokenChannel.Defect.LOSER_DROPS_ITEM, 1);
    private volatile int won = -1;
    private final Fiber<Void> selector = ActorCarrier.unstarted(() -> {
        won = BrokenChannel.selectReceive(a, b);
    });

    {
        ActorCarrier.startAndAwaitSuspension(selector); // registered and parked before the actors run
    }

    @Actor
    public void sendToA() {
        a.trySend("a");
    }

    @Actor
    public void sendToB() {
        b.trySend("b");
    }

    @Arbiter
    public void outcome(III_Result r) {
        r.r1 = ActorCarrier.awaitEnd(selector) ? won : -1;
        r.r2 = a.size();
        r.r3 = b.size();
    }
}
