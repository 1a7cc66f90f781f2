package dev.weft.fibers.internal;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code ./weft dump [--json] PID}: prints the fiber dump of a running JVM. Attaches to it (the
 * Attach API: same user, same machine), starts its local JMX agent if it is not running, and
 * invokes the {@code dump} (or {@code dumpJson}) operation of its MBean
 * {@code dev.weft:type=Schedulers}. Not API: run from the class path by the {@code weft} script.
 */
public final class WeftDump {
    private static final String MBEAN = "dev.weft:type=Schedulers";

    private WeftDump() {}

    public static void main(String[] args) throws Exception {
        boolean json = args.length == 2 && args[0].equals("--json");
        if (args.length != (json ? 2 : 1) || !args[args.length - 1].matches("\\d+")) {
            System.err.println("usage: weft dump [--json] PID   (the PID of a running JVM that uses Weft; jps lists them)");
            System.exit(2);
        }
        try {
            System.out.print(dump(Long.parseLong(args[args.length - 1]), json));
        } catch (IllegalStateException e) {
            System.err.println("weft dump: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * The fiber dump of JVM {@code pid}, as text or JSON.
     *
     * @throws IllegalStateException if that JVM has no Weft MBean, with what to check
     */
    public static String dump(long pid, boolean json) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                ObjectName name = new ObjectName(MBEAN);
                if (!server.isRegistered(name)) {
                    throw new IllegalStateException("JVM " + pid + " has no MBean " + MBEAN + ": it has started no Weft "
                            + "scheduler yet (the MBean appears with the first one, within a second), or it runs with "
                            + "-Ddev.weft.jmx=false");
                }
                return (String) server.invoke(name, json ? "dumpJson" : "dump", new Object[0], new String[0]);
            }
        } finally {
            vm.detach();
        }
    }
}
