package org.mirrorsd.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.time.Duration;
import java.util.List;

/**
 * HTTP front end settings.
 *
 * @param host                   address to bind
 * @param port                   TCP port; 0 asks the OS for a free one (handy in tests)
 * @param apiKey                 bearer token clients must send; {@code null} = no authentication
 * @param corsOrigins            allowed CORS origins; empty = CORS headers off
 * @param maxBodyBytes           largest accepted request body
 * @param requestTimeout         longest a single request may run
 * @param maxQueue               requests allowed to wait for a free sequence slot; 0 = reject when busy
 * @param maxConcurrentSequences sequences decoded at the same time
 * @param shutdownGrace          how long in-flight requests may finish on shutdown
 * @param workerThreads          HTTP I/O threads
 * @param readTimeout            longest a client may take to send one request (slow clients get a 408), and
 *                               longest an idle keep-alive connection stays open
 * @param stallTimeout           longest a streaming client may read nothing (while output waits for it) before
 *                               its stream is cancelled and the connection closed
 */
public record ServerConfig(
        String host,
        int port,
        String apiKey,
        List<String> corsOrigins,
        @JsonDeserialize(using = ByteSize.Deserializer.class) long maxBodyBytes,
        Duration requestTimeout,
        int maxQueue,
        int maxConcurrentSequences,
        Duration shutdownGrace,
        int workerThreads,
        Duration readTimeout,
        Duration stallTimeout) {

    static final String REDACTED = "<redacted>";

    public ServerConfig {
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }

    public static ServerConfig defaults() {
        // HTTP I/O is light work; the inference threads are configured under devices.
        return new ServerConfig("127.0.0.1", 8080, null, List.of(), 4L * 1024 * 1024,
                Duration.ofMinutes(5), 64, 4, Duration.ofSeconds(30), 2, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }

    public boolean authenticationEnabled() {
        return apiKey != null && !apiKey.isEmpty();
    }

    public boolean corsEnabled() {
        return !corsOrigins.isEmpty();
    }

    /** Never prints the API key: configs end up in logs. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port
                + ", apiKey=" + (apiKey == null ? "null" : REDACTED)
                + ", corsOrigins=" + corsOrigins + ", maxBodyBytes=" + maxBodyBytes
                + ", requestTimeout=" + requestTimeout + ", maxQueue=" + maxQueue
                + ", maxConcurrentSequences=" + maxConcurrentSequences
                + ", shutdownGrace=" + shutdownGrace + ", workerThreads=" + workerThreads
                + ", readTimeout=" + readTimeout + ", stallTimeout=" + stallTimeout + "]";
    }
}
