/**
 * Weft's JDK Flight Recorder events, category "Weft": fiber start and end (off by default), long
 * parks, pinned yields, blocked carriers, deadlock reports and late timers. Not API: the events are
 * read from a recording by their names ({@code dev.weft.BlockedCarrier}, ...), and the runtime
 * builds them only while a recording has them enabled.
 */
package dev.weft.fibers.internal.jfr;
