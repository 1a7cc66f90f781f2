/**
 * Example programs that show how to use Weft; {@code ./weft demo} runs {@code dev.weft.docs.Demo}.
 */
package dev.weft.docs;
