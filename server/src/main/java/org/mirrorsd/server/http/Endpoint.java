package org.mirrorsd.server.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;

/** Handles one route on the event loop: answers at once, or hands the work off and answers later. */
@FunctionalInterface
public interface Endpoint {
    /** May throw {@link org.mirrorsd.server.openai.ApiError}; the router turns it into the error response. */
    void handle(Channel channel, FullHttpRequest request);
}
