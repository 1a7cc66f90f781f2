package dev.weft.bench.echo;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The 64-byte message of one round trip: the client's id and the round's number in its first
 * eight bytes (big-endian), a fixed filler after them. Every round's message differs from the
 * previous one, so a reply that repeats an old message, or mixes two connections, fails the
 * check. The gevent program ({@code bench/gevent/echo.py}) builds the same bytes.
 */
final class EchoMessage {
    /** Bytes per message. */
    static final int SIZE = 64;
    private static final byte FILLER = 'x';
    /** Big-endian ints in a byte array, as {@code ByteBuffer}'s default order: no buffer per round. */
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private EchoMessage() {}

    /** A heap message buffer with the filler in place; {@link #stamp} then sets id and round. */
    static byte[] newArray() {
        byte[] b = new byte[SIZE];
        Arrays.fill(b, FILLER);
        return b;
    }

    /** A direct message buffer (what a {@code SocketChannel} writes without a copy), filled as {@link #newArray}. */
    static ByteBuffer newDirect() {
        return ByteBuffer.allocateDirect(SIZE).put(newArray()).flip();
    }

    /** Writes {@code client} and {@code round} into a message made by {@link #newArray}. */
    static void stamp(byte[] message, int client, int round) {
        INT.set(message, 0, client);
        INT.set(message, 4, round);
    }

    /** Like {@link #stamp(byte[], int, int)}, without moving the buffer's position. */
    static void stamp(ByteBuffer message, int client, int round) {
        message.putInt(0, client).putInt(4, round);
    }
}
