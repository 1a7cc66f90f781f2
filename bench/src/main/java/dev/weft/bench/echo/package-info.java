/**
 * The TCP echo benchmark (issue 6 §5): 64-byte messages over loopback, every connection's
 * client and server handler in the same JVM, run by Weft's fiber I/O, by Weft's monkey mode and
 * by JDK virtual threads. Its gevent counterpart is {@code bench/gevent/echo.py}.
 */
package dev.weft.bench.echo;
