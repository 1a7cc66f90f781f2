package dev.weft.stress;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a jcstress test as a broken twin: a negative control that runs a deliberately broken
 * copy of an algorithm in the same shape as the test {@link #of()}, to prove that test can
 * fail. The suite passes only if every negative control produces a forbidden outcome (or, for
 * a termination test, hangs); a twin that passes means the test it mirrors proves nothing.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface NegativeControl {
    /** The test whose shape this twin copies. */
    Class<?> of();

    /** The one step that is broken, in a few words. */
    String defect();
}
