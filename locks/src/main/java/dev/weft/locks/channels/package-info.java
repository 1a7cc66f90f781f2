/**
 * Channels and select for fibers and threads: {@link dev.weft.locks.channels.Channel}
 * (rendezvous or buffered, closable, FIFO, kill- and timeout-safe) and
 * {@link dev.weft.locks.channels.Select} (wait for the first of several sends and receives;
 * exactly one wins). See {@code docs/channels.md}.
 */
package dev.weft.locks.channels;
