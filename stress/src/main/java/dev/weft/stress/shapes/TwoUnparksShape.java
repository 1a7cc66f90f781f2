package dev.weft.stress.shapes;

import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The shape of {@code Park_03_TwoUnparksOnePermit}: two actors unpark a strand of
 * {@code ActorCarrier} hub 0 that has not started; the arbiter then starts it (it parks twice,
 * marking each return), waits for the hub to settle and reads which parks returned. One
 * instance per sample.
 */
public final class TwoUnparksShape {
    private int first;
    private int second;
    private final ParkSubject strand;

    public TwoUnparksShape(ParkSubject.Factory factory) {
        this.strand = factory.create(this::body);
    }

    private void body() {
        strand.park();
        first = 1;
        strand.park();
        second = 1;
    }

    public void waker1() {
        strand.unpark();
    }

    public void waker2() {
        strand.unpark();
    }

    public void carrier(II_Result r) {
        strand.start();
        strand.settleAndEnd();
        r.r1 = first;
        r.r2 = second;
    }
}
