package org.mirrorsd.server.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.mirrorsd.decoding.DecodingStats;
import org.mirrorsd.decoding.PrefixCache;

/**
 * The server's counters, rendered in the Prometheus text format by {@link #render()}. Gauges (queue depth,
 * active sequences, open KV caches, heap, threads) are read at scrape time so they can never drift from the truth.
 */
public final class ServerMetrics {
    private static final double[] LATENCY_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder drafted = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder targetPasses = new LongAdder();
    private final LongAdder plannedSdSteps = new LongAdder();
    private final LongAdder plannedMirrorSteps = new LongAdder();
    private final LongAdder plannedBranches = new LongAdder();
    private final LongAdder decodeSteps = new LongAdder();
    private final LongAdder decodeStepSequences = new LongAdder();
    private final Histogram timeToFirstToken = new Histogram(LATENCY_BOUNDS);
    private final Histogram interTokenLatency = new Histogram(LATENCY_BOUNDS);
    private volatile IntSupplier queueDepth = () -> 0;
    private volatile IntSupplier activeSequences = () -> 0;
    private volatile IntSupplier openKvCaches = () -> 0;
    private volatile PrefixCache prefixCache = PrefixCache.disabled();

    public void bindGauges(IntSupplier queueDepth, IntSupplier activeSequences) {
        this.queueDepth = queueDepth;
        this.activeSequences = activeSequences;
    }

    /** KV caches open on the executors: with nothing decoding it must be 0, else caches leak. */
    public void bindKvCaches(IntSupplier openKvCaches) {
        this.openKvCaches = openKvCaches;
    }

    public void bindPrefixCache(PrefixCache prefixCache) {
        this.prefixCache = prefixCache;
    }

    public void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + '\u0000' + status, k -> new LongAdder()).increment();
    }

    public void tokens(int prompt, int completion) {
        promptTokens.add(prompt);
        completionTokens.add(completion);
    }

    public void timeToFirstToken(long nanos) { timeToFirstToken.observe(nanos / 1e9); }

    public void interTokenLatency(long nanos) { interTokenLatency.observe(nanos / 1e9); }

    /** Adds a finished session's speculative counters. */
    public void session(DecodingStats stats) {
        drafted.add(stats.drafted);
        accepted.add(stats.accepted);
        targetPasses.add(stats.targetPasses);
        plannedSdSteps.add(stats.plannedSdSteps);
        plannedMirrorSteps.add(stats.plannedMirrorSteps);
        plannedBranches.add(stats.plannedBranches);
    }

    /** A scheduler step over {@code sequences} sequences (several when their forward passes were fused). */
    public void decodeStep(int sequences) {
        decodeSteps.increment();
        decodeStepSequences.add(sequences);
    }

    public int activeSequences() { return activeSequences.getAsInt(); }

    public String render() {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP mirrorsd_requests_total HTTP requests by endpoint and status.\n");
        out.append("# TYPE mirrorsd_requests_total counter\n");
        new TreeMap<>(requests).forEach((key, n) -> {
            int sep = key.indexOf('\u0000');
            out.append("mirrorsd_requests_total{endpoint=\"").append(key, 0, sep)
                    .append("\",status=\"").append(key.substring(sep + 1)).append("\"} ").append(n.sum()).append('\n');
        });
        counter(out, "mirrorsd_prompt_tokens_total", "Prompt tokens processed.", promptTokens.sum());
        counter(out, "mirrorsd_completion_tokens_total", "Completion tokens generated.", completionTokens.sum());
        counter(out, "mirrorsd_speculative_drafted_tokens_total", "Draft tokens proposed.", drafted.sum());
        counter(out, "mirrorsd_speculative_accepted_tokens_total", "Draft tokens accepted.", accepted.sum());
        counter(out, "mirrorsd_target_passes_total", "Target model forward passes.", targetPasses.sum());
        counter(out, "mirrorsd_plan_sd_steps_total", "Mirror-SD steps the planner ran as the serial SD step.",
                plannedSdSteps.sum());
        counter(out, "mirrorsd_plan_mirror_steps_total", "Mirror-SD steps the planner ran as Mirror steps.",
                plannedMirrorSteps.sum());
        counter(out, "mirrorsd_plan_branches_total", "Branch rollouts the planner launched.", plannedBranches.sum());
        counter(out, "mirrorsd_decode_steps_total", "Decoding steps run by the scheduler.", decodeSteps.sum());
        counter(out, "mirrorsd_decode_step_sequences_total",
                "Sequences stepped; divided by the steps, the mean batch of continuous batching.", decodeStepSequences.sum());
        gauge(out, "mirrorsd_prefix_cache_entries", "Finished sequences whose KV is kept for prompt reuse.",
                prefixCache.entries());
        counter(out, "mirrorsd_prefix_cache_hits_total", "Sequences that started from a cached prompt prefix.",
                prefixCache.hits());
        counter(out, "mirrorsd_prefix_cache_reused_tokens_total", "Prompt tokens not prefilled thanks to the cache.",
                prefixCache.reusedPositions());
        gauge(out, "mirrorsd_queue_depth", "Sequences waiting for a decoding slot.", queueDepth.getAsInt());
        gauge(out, "mirrorsd_active_sequences", "Sequences being decoded.", activeSequences.getAsInt());
        gauge(out, "mirrorsd_kv_caches_open", "KV caches held by the model executors.", openKvCaches.getAsInt());
        // Process health for soak tests and dashboards: a leak shows as a climb between idle scrapes.
        gauge(out, "mirrorsd_jvm_heap_used_bytes", "Java heap in use.",
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        gauge(out, "mirrorsd_jvm_heap_after_gc_bytes", "Java heap in use right after each pool's last collection.",
                heapAfterGc());
        gauge(out, "mirrorsd_jvm_threads", "Live JVM threads.", ManagementFactory.getThreadMXBean().getThreadCount());
        timeToFirstToken.render(out, "mirrorsd_time_to_first_token_seconds", "Time from arrival to the first token.");
        interTokenLatency.render(out, "mirrorsd_inter_token_latency_seconds", "Time between tokens of a sequence.");
        return out.toString();
    }

    /** Heap in use is mostly garbage between collections; what survives them is the leak signal. */
    private static long heapAfterGc() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && u != null) sum += u.getUsed();
        }
        return sum;
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }
}
