package org.mirrorsd.server.reliability;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Live threads before and after a scenario. Threads of the test's own clients and of JDK housekeeping are not
 * the server's and are left out; so are threads that end within the wait (Netty's global executor idles out).
 */
final class ThreadWatch {
    private static final List<String> NOT_THE_SERVER = List.of("HttpClient-", "ForkJoinPool", "process reaper",
            "Attach Listener", "Common-Cleaner", "surefire", "globalEventExecutor", "junit", "Reference Handler",
            "Finalizer", "Signal Dispatcher", "Notification Thread", "InnocuousThread", "VirtualThread-",
            // The JDK's I/O pollers, started once when a virtual thread first blocks on a socket (the load clients).
            "MasterPoller", "Read-Poller", "Write-Poller");
    private final Set<Long> before;
    final int countBefore;

    private ThreadWatch(Set<Long> before, int countBefore) {
        this.before = before;
        this.countBefore = countBefore;
    }

    static ThreadWatch start() {
        return new ThreadWatch(live().stream().map(Thread::threadId).collect(Collectors.toSet()), Thread.activeCount());
    }

    /** Fails when server threads started since {@link #start} are still alive after {@code wait}. */
    void assertNoneLeaked(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Thread> extra;
        while (!(extra = newThreads()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("threads leaked: " + extra.stream().map(Thread::getName).toList()
                        + " (" + countBefore + " live before, " + Thread.activeCount() + " after)");
            }
            Thread.sleep(20);
        }
    }

    private List<Thread> newThreads() {
        return live().stream().filter(t -> !before.contains(t.threadId())).toList();
    }

    private static List<Thread> live() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> NOT_THE_SERVER.stream().noneMatch(t.getName()::startsWith)).toList();
    }
}
