package dev.weft.explore.corpus;

import java.util.List;

/** The corpus: twenty classic concurrency bugs as fiber programs, each with its fix. */
public final class Corpus {

    private Corpus() {}

    /** Every bug of the corpus, in the table's order. */
    public static List<CorpusBug> bugs() {
        return List.of(
                new LostUpdate(), new CheckThenAct(), new LockOrderDeadlock(), new OrderViolation(),
                new ProducerConsumerIf(), new MissedSignal(), new DoubleCheckedInit(), new SleepAsSync(),
                new TimeoutRacingHandoff(), new KillRacingHandoff(), new TimeoutLeavesLockHeld(),
                new StaleWakeup(), new WaitStack(), new PoolSlotFreedEarly(), new PutRacingClose(),
                new BankTransfer(), new TwoStage(), new WrongLock(), new DiningPhilosophers(),
                new AppendAtomicity());
    }
}
