package dev.weft.fibers.internal.access;

import dev.weft.fibers.io.FiberSocket;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** The fiber I/O internals that Weft's test harnesses need (see {@link FibersAccess}). */
public interface IoAccess {

    /** A FiberSocket over an already connected channel, without a connect through the poller. */
    FiberSocket wrap(SocketChannel connected) throws IOException;
}
