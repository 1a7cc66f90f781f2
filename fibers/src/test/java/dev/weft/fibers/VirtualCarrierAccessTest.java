package dev.weft.fibers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Monkey mode's doors into the JDK: its first use asks the JDK for platform-thread socket pollers
 * (see {@code VirtualCarrierAccess.JdkPollers}) and leaves a mode the JVM was started with alone.
 * Which mode the JDK then runs is fixed by its first socket poll, which another test of this JVM
 * may have made earlier: the property is what this test can assert, the speed-up is the echo
 * benchmark's.
 */
class VirtualCarrierAccessTest {

    @Test
    void monkeyModeAsksForPlatformThreadPollersUnlessTheJvmChoseAMode() {
        String chosen = System.getProperty(VirtualCarrierAccess.POLLER_MODE); // set at start, or by an earlier require
        VirtualCarrierAccess.require();
        assertEquals(chosen != null ? chosen : VirtualCarrierAccess.SYSTEM_THREADS,
                System.getProperty(VirtualCarrierAccess.POLLER_MODE));
    }
}
