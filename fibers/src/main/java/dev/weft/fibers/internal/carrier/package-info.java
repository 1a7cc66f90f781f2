/**
 * Carrier threads (not API: this package is not exported): the platform threads that carry
 * hubs, kept idle for a keep-alive after their hub closed so that opening the next hub needs no
 * new thread ({@link dev.weft.fibers.internal.carrier.CarrierThreads}).
 */
package dev.weft.fibers.internal.carrier;
