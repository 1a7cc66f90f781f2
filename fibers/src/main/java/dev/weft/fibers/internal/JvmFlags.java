package dev.weft.fibers.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags Weft needs, as read from {@code jvm-flags.properties} beside this class, the one
 * place they are written. Not API: public only so that Weft's own modules (the stress and bench
 * launchers) can start JVMs with the same flags the runtime asks for in its error messages.
 *
 * <p>Each flag names a JDK package ({@code java.base/jdk.internal.vm}) and the module that gets
 * access to it: {@link #CLASS_PATH} when Weft is on the class path, {@link #MODULE} when it is on
 * the module path.
 */
public final class JvmFlags {
    /** The target of the flags when Weft is on the class path. */
    public static final String CLASS_PATH = "ALL-UNNAMED";
    /** The target of the flags when Weft is on the module path: Weft's module. */
    public static final String MODULE = "dev.weft.fibers";

    private static final String RESOURCE = "jvm-flags.properties";
    private static final Properties FLAGS = load();

    private JvmFlags() {}

    /**
     * The flag that exports {@code jdk.internal.vm} (every fiber needs it) to {@code target}, as
     * a user types it: {@code --add-exports java.base/jdk.internal.vm=TARGET}.
     */
    public static String addExports(String target) {
        return "--add-exports " + value("weft.add-exports") + "=" + target;
    }

    /**
     * The flag that opens {@code java.lang} (monkey mode needs it) to {@code target}, as a user
     * types it: {@code --add-opens java.base/java.lang=TARGET}.
     */
    public static String addOpens(String target) {
        return "--add-opens " + value("weft.add-opens") + "=" + target;
    }

    /** Both flags for a JVM with Weft on the class path, one argument each ({@code --add-exports=...}). */
    public static List<String> classPathFlags() {
        return List.of(asArgument(addExports(CLASS_PATH)), asArgument(addOpens(CLASS_PATH)));
    }

    /** Both flags for a JVM with Weft on the module path, one argument each ({@code --add-exports=...}). */
    public static List<String> modulePathFlags() {
        return List.of(asArgument(addExports(MODULE)), asArgument(addOpens(MODULE)));
    }

    private static String asArgument(String flag) {
        return flag.replaceFirst(" ", "=");
    }

    private static String value(String key) {
        String v = FLAGS.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(RESOURCE + " beside " + JvmFlags.class.getName()
                    + " lacks the key " + key + ": the Weft jar is incomplete, rebuild it");
        }
        return v.strip();
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + JvmFlags.class.getName()
                        + ": the Weft jar is incomplete, rebuild it");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " of the Weft jar", e);
        }
        return p;
    }
}
