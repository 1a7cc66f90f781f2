@file:JvmName("CoroutineWorkloads")
@file:OptIn(DelicateCoroutinesApi::class, ExperimentalCoroutinesApi::class)

package dev.weft.bench.kotlin

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.ExecutorCoroutineDispatcher
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.newSingleThreadContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.selects.select
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.resume

/*
 * Kotlin coroutines as benchmark peers (issue 16, "Also"): each workload of the Weft suite written
 * as a Kotlin user writes it, called from the Java JMH classes of bench/src/main/java-kotlin-peers
 * (KotlinPeers, KotlinMillionParked, CoroutineParkedMemory), which pass the sizes of the Weft
 * benchmarks they stand beside, so the rows compare in one run.
 *
 * Every workload blocks its caller (the benchmark thread) in runBlocking(dispatcher): the driver
 * coroutine runs on the dispatcher under test, as Weft's driver fiber runs in hub.invoke; the
 * strands are children launched from it, and runBlocking returns when all of them have ended
 * (structured concurrency: the driver's scope joins its children).
 *
 * Nothing here spins: kotlinx.coroutines channels and select suspend at once when they cannot
 * proceed, so the one-thread rows need no smaller size (ChannelPeers' SLOW_OPS is jox's).
 */

/** The boxed item every channel carries (a cached Integer: sending allocates nothing for it). */
private const val ITEM = 63

/**
 * The one-thread dispatcher of the peers: `newSingleThreadContext`, Kotlin's own, whose executor is a
 * ScheduledThreadPoolExecutor, so that `delay` is timed on the same thread (the hub's shape). The
 * caller closes it.
 */
fun singleThread(name: String): ExecutorCoroutineDispatcher = newSingleThreadContext(name)

// ---------------------------------------------------------------------- scheduling

/** Two coroutines each `yield()` [roundTrips] times (PingPong.yield_*). */
fun yieldPingPong(dispatcher: CoroutineDispatcher, roundTrips: Int) = runBlocking(dispatcher) {
    launch { repeat(roundTrips) { yield() } }
    launch { repeat(roundTrips) { yield() } }
    Unit
}

/**
 * The driver launches [batch] coroutines that do nothing, then joins each, [batches] times
 * (SpawnJoin.hub_inFiber_join).
 */
fun launchJoin(dispatcher: CoroutineDispatcher, batch: Int, batches: Int) = runBlocking(dispatcher) {
    val jobs = arrayOfNulls<Job>(batch)
    repeat(batches) {
        for (i in 0 until batch) {
            jobs[i] = launch { }
        }
        for (job in jobs) {
            job!!.join()
        }
    }
}

/**
 * [strands] coroutines each `delay(1)` [sleeps] times, the driver joins each; returns how many
 * ended normally (TimerStorm).
 */
fun timerStorm(dispatcher: CoroutineDispatcher, strands: Int, sleeps: Int): Int = runBlocking(dispatcher) {
    val jobs = Array(strands) { launch { repeat(sleeps) { delay(1) } } }
    var done = 0
    for (job in jobs) {
        job.join()
        if (!job.isCancelled) done++
    }
    done
}

/**
 * [count] coroutines suspended at once, then all resumed (MillionParked): each stores its
 * continuation and counts itself in, the last one in completing the gate the driver waits on; the
 * driver runs [atPeak] with every coroutine suspended, resumes them in start order and joins each.
 * Returns how many ended normally.
 */
fun millionSuspended(dispatcher: CoroutineDispatcher, count: Int, atPeak: Runnable): Int = runBlocking(dispatcher) {
    val suspended = arrayOfNulls<CancellableContinuation<Unit>>(count)
    val parked = AtomicInteger()
    val allParked = CompletableDeferred<Unit>()
    val jobs = Array(count) { i ->
        launch {
            suspendCancellableCoroutine { c ->
                // NOTE: the store happens before the increment that lets the driver read it.
                suspended[i] = c
                if (parked.incrementAndGet() == count) {
                    allParked.complete(Unit)
                }
            }
        }
    }
    allParked.await()
    atPeak.run()
    for (c in suspended) {
        c!!.resume(Unit)
    }
    var done = 0
    for (job in jobs) {
        job.join()
        if (!job.isCancelled) done++
    }
    done
}

// ---------------------------------------------------------------------- memory per suspended coroutine

/**
 * Coroutines suspended for ParkedMemory: [park] launches one coroutine per slot of `keep` on its own
 * one-thread dispatcher, each suspended `depth` suspending calls below its body in
 * `suspendCancellableCoroutine`, and stores its continuation in its slot (what a waker holds, as
 * ParkedMemory keeps a Weft fiber); [release] resumes them all and waits until they have ended.
 *
 * Each extra level is a call whose result the caller still uses (`+ 1`), so that it is not a tail
 * call: the compiler then gives every level its own continuation object, as a real call stack of
 * suspending functions has (a suspending tail call would reuse its caller's).
 */
class SuspendedCoroutines {
    private var dispatcher: ExecutorCoroutineDispatcher? = null
    private var parent: CompletableJob? = null

    fun park(keep: Array<Any?>, depth: Int) {
        val d = singleThread("memory-coroutines")
        val p = Job()
        dispatcher = d
        parent = p
        val scope = CoroutineScope(d + p)
        for (i in keep.indices) {
            scope.launch { suspendAt(depth, keep, i) }
        }
        // FIFO: this coroutine runs after every coroutine above has run to its suspension
        runBlocking(d) { }
    }

    fun release(keep: Array<Any?>) {
        for (c in keep) {
            @Suppress("UNCHECKED_CAST")
            (c as CancellableContinuation<Unit>).resume(Unit)
        }
        val p = parent!!
        runBlocking {
            p.complete()
            p.join()
        }
        dispatcher!!.close()
        dispatcher = null
        parent = null
    }

    private suspend fun suspendAt(depth: Int, keep: Array<Any?>, i: Int): Int =
        if (depth > 0) {
            suspendAt(depth - 1, keep, i) + 1
        } else {
            suspendCancellableCoroutine<Unit> { c -> keep[i] = c }
            0
        }
}

// ---------------------------------------------------------------------- channels (issue 13 §6, jox's shapes)

private fun CoroutineScope.sender(ch: Channel<Int>, n: Int) = launch { repeat(n) { ch.send(ITEM) } }

private fun CoroutineScope.receiver(ch: Channel<Int>, n: Int) = launch { repeat(n) { ch.receive() } }

/** A sends [ops] items on a rendezvous channel, B receives them (ChannelPeers.rendezvous_*). */
fun rendezvous(dispatcher: CoroutineDispatcher, ops: Int) = runBlocking(dispatcher) {
    val ch = Channel<Int>(Channel.RENDEZVOUS)
    sender(ch, ops)
    receiver(ch, ops)
    Unit
}

/** The same over a `Channel(capacity)` (ChannelPeers.buffered16_*). */
fun buffered(dispatcher: CoroutineDispatcher, capacity: Int, ops: Int) = runBlocking(dispatcher) {
    val ch = Channel<Int>(capacity)
    sender(ch, ops)
    receiver(ch, ops)
    Unit
}

/**
 * [links] `Channel(capacity)`s in a row: a source sends [items] items into the first, one coroutine
 * per link forwards them to the next, a sink receives them from the last (ChannelPeers.chain1000_*).
 */
fun chain(dispatcher: CoroutineDispatcher, links: Int, capacity: Int, items: Int) = runBlocking(dispatcher) {
    val chs = List(links) { Channel<Int>(capacity) }
    sender(chs.first(), items)
    for (t in 1 until links) {
        val input = chs[t - 1]
        val output = chs[t]
        launch { repeat(items) { output.send(input.receive()) } }
    }
    receiver(chs.last(), items)
    Unit
}

/** A sends [ops] items on a rendezvous channel, B receives each with a select of that one clause. */
fun select1(dispatcher: CoroutineDispatcher, ops: Int) = runBlocking(dispatcher) {
    val ch = Channel<Int>(Channel.RENDEZVOUS)
    sender(ch, ops)
    launch {
        repeat(ops) {
            select<Int> { ch.onReceive { it } }
        }
    }
    Unit
}

/** A and B send [ops]/2 items each on their own rendezvous channel, C receives all with a select over both. */
fun select2(dispatcher: CoroutineDispatcher, ops: Int) = runBlocking(dispatcher) {
    val ch1 = Channel<Int>(Channel.RENDEZVOUS)
    val ch2 = Channel<Int>(Channel.RENDEZVOUS)
    sender(ch1, ops / 2)
    sender(ch2, ops / 2)
    launch {
        repeat(ops) {
            select<Int> {
                ch1.onReceive { it }
                ch2.onReceive { it }
            }
        }
    }
    Unit
}
