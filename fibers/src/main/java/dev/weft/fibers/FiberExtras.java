package dev.weft.fibers;

/**
 * What a fiber seldom needs, allocated on first use: its name or spawn site, its open timeouts,
 * and its {@link FiberLocal} values.
 *
 * <p>Why a separate object: a parked fiber pays for every field it has, and most fibers (the
 * million that sleep or wait on a lock) are unnamed, open no {@link Timeout} and set no local.
 * Moving these fields out of {@link Fiber} took a parked fiber's own object from 80 to 64 bytes
 * (56 today, issue 16); a fiber that uses one of them pays for this object once (24 bytes).
 *
 * <p>Thread-safety: {@link #label} is written before the fiber is started (the start publishes
 * it) and only read afterwards; every other field is written and read by the fiber itself. An
 * object allocated later by the fiber can be seen racily by a dump without its label, which is
 * then null anyway.
 */
final class FiberExtras {
    /**
     * The name given at spawn (a String), or the spawn site when the scheduler captures them (it
     * carries the name too), or null.
     */
    Object label;
    /** The innermost open Timeout; the others hang off it (Timeout.enclosing). */
    Timeout innermostTimeout;
    /** FiberLocal values. */
    FiberLocal.Values locals;
}
