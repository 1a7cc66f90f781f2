/**
 * Weft's fiber runtime: fibers on {@code jdk.internal.vm.Continuation}, their schedulers, timeouts
 * and cooperative sockets.
 *
 * <p>Exports the API only ({@code dev.weft.fibers} and {@code dev.weft.fibers.io}); the timer,
 * poller and scheduler internals stay inside the module. Every JVM that runs fibers needs
 * {@code --add-exports java.base/jdk.internal.vm=dev.weft.fibers} when this module is on the module
 * path; monkey mode also needs {@code --add-opens java.base/java.lang=dev.weft.fibers}.
 */
module dev.weft.fibers {
    requires org.jctools.core.jdk11;
    requires jdk.jfr;
    requires java.management; // the schedulers' MBeans
    requires static jdk.attach; // ./weft dump PID (WeftDump), run from the class path

    exports dev.weft.fibers;
    exports dev.weft.fibers.io;
    // the spin lock behind the coordination kit's critical sections, for the locks module only
    exports dev.weft.fibers.internal.sync to dev.weft.locks;
}
