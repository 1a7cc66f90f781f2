package dev.weft.explore.junit;

import dev.weft.explore.Execution;
import dev.weft.explore.Exploration;
import dev.weft.explore.Explorer;
import dev.weft.explore.FiberProgram;
import dev.weft.explore.Schedule;
import dev.weft.fibers.Scheduler;
import dev.weft.fibers.SimulatedScheduler;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.ReflectionSupport;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Runs a {@link FiberTest} method under the {@link Explorer}: JUnit's own invocation is skipped,
 * and the explorer invokes the method once per schedule, in the root fiber of that schedule's
 * simulated scheduler, with that scheduler as its parameter. Registered by {@link FiberTest}; not
 * meant to be used alone.
 */
public final class FiberTestExtension implements ParameterResolver, InvocationInterceptor {

    /** Made by JUnit. */
    public FiberTestExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == SimulatedScheduler.class || type == Scheduler.class;
    }

    /** Null for JUnit's own invocation, which is skipped: the explorer passes each run's scheduler. */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return null;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        invocation.skip();
        Method method = call.getExecutable();
        FiberTest config = method.getAnnotation(FiberTest.class);
        if (config == null) {
            throw new IllegalStateException(method + " is run by FiberTestExtension but is not annotated"
                    + " @FiberTest: annotate it @FiberTest instead of registering the extension");
        }
        Object target = call.getTarget().orElse(null);
        FiberProgram program = scheduler -> ReflectionSupport.invokeMethod(method, target, arguments(method, scheduler));
        Explorer explorer = Explorer.of(program);
        String replay = config.replay().strip();
        if (!replay.isEmpty()) {
            Execution e = replay(explorer, replay);
            if (e.failed()) {
                throw new AssertionError("@FiberTest replay \"" + replay + "\" fails: " + e.failure() + "\n"
                        + e.report(), e.failure());
            }
            return;
        }
        if (config.seeds() < 1) {
            throw new IllegalArgumentException("@FiberTest(seeds = " + config.seeds() + ") on " + method.getName()
                    + ": seeds must be at least 1");
        }
        Exploration x = explorer.random(config.seeds());
        if (x.passed()) {
            return;
        }
        throw new AssertionError(failureMessage(x, explorer.shrink(x.failure()), config.seeds()),
                x.failure().failure());
    }

    /** The message of a failed exploration: seed, shrunk schedule, steps, and the annotations that replay it. */
    static String failureMessage(Exploration x, Execution shrunk, int seeds) {
        Execution first = x.failure();
        long seed = first.seed().orElseThrow();
        StringBuilder b = new StringBuilder();
        b.append("@FiberTest failed at seed ").append(seed).append(" (run ").append(x.runs()).append(" of ")
                .append(seeds).append("): ").append(first.failure()).append('\n');
        b.append("shrunk schedule (").append(first.contextSwitches()).append(" -> ").append(shrunk.contextSwitches())
                .append(" context switches, ").append(shrunk.schedule().length()).append(" decisions): ")
                .append(shrunk.schedule()).append('\n');
        for (String step : shrunk.steps()) {
            b.append("  ").append(step).append('\n');
        }
        if (shrunk.failure() != null && shrunk.failure().getClass() == first.failure().getClass()) {
            b.append("shrunk run fails with: ").append(shrunk.failure()).append('\n');
        }
        b.append("replay the shrunk run: @FiberTest(replay = \"choices:").append(shrunk.schedule()).append("\")\n");
        b.append("replay the first failure: @FiberTest(replay = \"seed:").append(seed).append("\")");
        return b.toString();
    }

    private static Execution replay(Explorer explorer, String replay) throws IOException {
        int colon = replay.indexOf(':');
        String kind = colon < 0 ? "" : replay.substring(0, colon).strip();
        String value = colon < 0 ? "" : replay.substring(colon + 1).strip();
        return switch (kind) {
            case "seed" -> explorer.replay(parseSeed(value, replay));
            case "choices" -> explorer.replay(Schedule.parse(value));
            case "file" -> explorer.replay(Schedule.read(Path.of(value)));
            default -> throw new IllegalArgumentException("@FiberTest(replay = \"" + replay + "\"): expected"
                    + " \"seed:N\", \"choices:0,1,...\" or \"file:PATH\" (the failure message prints the first two)");
        };
    }

    private static long parseSeed(String value, String replay) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("@FiberTest(replay = \"" + replay + "\"): the seed is not a number", e);
        }
    }

    private static Object[] arguments(Method method, SimulatedScheduler scheduler) {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            if (types[i] != SimulatedScheduler.class && types[i] != Scheduler.class) {
                throw new ParameterResolutionException("@FiberTest method " + method.getName() + " takes a "
                        + types[i].getName() + ": a @FiberTest method takes only a SimulatedScheduler or Scheduler parameter");
            }
            args[i] = scheduler;
        }
        return args;
    }
}
