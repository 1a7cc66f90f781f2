/**
 * The actor bodies of the jcstress tests, each in a small final class that a test and its broken
 * twin both call (jcstress forbids a test class that inherits from another): a twin then differs
 * from its test only in the subject it hands to the shape, the copy with one step broken.
 */
package dev.weft.stress.shapes;
