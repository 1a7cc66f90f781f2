/**
 * Readiness polling for fiber I/O (not API: this package is not exported): {@link
 * dev.weft.fibers.internal.io.Poller}, one NIO selector per carrier plus one with a thread of its
 * own for platform threads and patched fibers, and {@link dev.weft.fibers.internal.io.PolledChannel},
 * the close protocol a socket class shares with it.
 */
package dev.weft.fibers.internal.io;
