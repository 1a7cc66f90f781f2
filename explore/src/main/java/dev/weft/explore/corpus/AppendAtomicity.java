package dev.weft.explore.corpus;

import dev.weft.fibers.Fiber;
import dev.weft.locks.ReentrantLock;

/**
 * A non-atomic append (the JDK's {@code StringBuffer.append(StringBuffer)} atomicity violation of
 * JaConTeBe's JDK set): {@code target.append(source)} reads the source's length under the source's
 * lock, grows its own buffer (a suspension), then copies that many characters under the source's
 * lock again; a fiber that truncates the source in between makes the copy run past its end
 * ({@link StringIndexOutOfBoundsException}).
 *
 * <p>Suspension the bug needs: the buffer growth ({@code Fiber.yieldNow()}) between the length read
 * and the copy. Fix: hold the source's lock across the read and the copy.
 */
public final class AppendAtomicity implements CorpusBug {

    /** A text buffer guarded by a Weft lock (a corpus helper). */
    private static final class Text {
        final ReentrantLock lock = new ReentrantLock();
        final StringBuilder chars;

        Text(String initial) {
            chars = new StringBuilder(initial);
        }

        int length() {
            lock.lock();
            try {
                return chars.length();
            } finally {
                lock.unlock();
            }
        }

        void copyInto(int n, StringBuilder target) {
            lock.lock();
            try {
                char[] copy = new char[n];
                chars.getChars(0, n, copy, 0);
                target.append(copy);
            } finally {
                lock.unlock();
            }
        }

        void truncate() {
            lock.lock();
            try {
                chars.setLength(0);
            } finally {
                lock.unlock();
            }
        }

        void append(Text source, boolean atomic) {
            lock.lock();
            if (atomic) {
                source.lock.lock();
            }
            try {
                int n = source.length();
                Fiber.yieldNow();
                source.copyInto(n, chars);
            } finally {
                if (atomic) {
                    source.lock.unlock();
                }
                lock.unlock();
            }
        }
    }

    @Override
    public String origin() {
        return "JaConTeBe (JDK StringBuffer.append atomicity violation)";
    }

    @Override
    public void run(boolean fixed) throws Exception {
        Text target = new Text("");
        Text source = new Text("weft");
        Actors.run(() -> target.append(source, fixed), source::truncate);
    }
}
