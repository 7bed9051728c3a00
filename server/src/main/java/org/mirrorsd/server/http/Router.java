package org.mirrorsd.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches requests by path and method: 404 for unknown paths, 405 (with {@code Allow}) for a known path
 * and the wrong method. Turns {@link ApiError}s into OpenAI error responses, and anything else into a 500
 * without internals: no client input may crash the server or leak a stack trace.
 */
@ChannelHandler.Sharable
public final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private final Map<String, Map<HttpMethod, Endpoint>> routes = new LinkedHashMap<>();
    /** Routes for every path under a prefix (e.g. {@code /v1/models/} for {@code /v1/models/{id}}). */
    private final Map<String, Map<HttpMethod, Endpoint>> prefixRoutes = new LinkedHashMap<>();

    public Router route(HttpMethod method, String path, Endpoint endpoint) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, endpoint);
        return this;
    }

    /** Routes every path that starts with {@code prefix} (and goes on after it) to {@code endpoint}. */
    public Router routePrefix(HttpMethod method, String prefix, Endpoint endpoint) {
        prefixRoutes.computeIfAbsent(prefix, p -> new LinkedHashMap<>()).put(method, endpoint);
        return this;
    }

    private Map<HttpMethod, Endpoint> find(String path) {
        Map<HttpMethod, Endpoint> exact = routes.get(path);
        if (exact != null) return exact;
        for (var e : prefixRoutes.entrySet()) {
            if (path.length() > e.getKey().length() && path.startsWith(e.getKey())) return e.getValue();
        }
        return null;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            if (request.decoderResult().isFailure()) {
                keepAlive = false;
                throw decodingError(request.decoderResult().cause());
            }
            if (request.protocolVersion().majorVersion() != 1) {
                keepAlive = false;
                throw ApiError.httpVersionNotSupported(request.protocolVersion().text());
            }
            String path = Paths.of(request.uri());
            Map<HttpMethod, Endpoint> byMethod = find(path);
            if (byMethod == null) throw ApiError.notFound("Unknown path " + path + ".", "unknown_url");
            Endpoint endpoint = byMethod.get(request.method());
            // HEAD is GET without the body (RFC 9110 §9.3.2): the codec drops the body of a HEAD's response.
            if (endpoint == null && request.method().equals(HttpMethod.HEAD)) endpoint = byMethod.get(HttpMethod.GET);
            if (endpoint == null) {
                var response = HttpResponses.response(io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED,
                        Json.write(Json.error(ApiError.methodNotAllowed(request.method().name(), path))),
                        "application/json");
                response.headers().set(HttpHeaderNames.ALLOW, allowed(byMethod));
                HttpResponses.send(ctx.channel(), response, keepAlive);
                return;
            }
            endpoint.handle(ctx.channel(), request);
        } catch (ApiError e) {
            HttpResponses.error(ctx.channel(), e, keepAlive);
        } catch (RuntimeException e) {
            log.error("request {} {} failed", request.method(), Paths.of(request.uri()), e);
            HttpResponses.error(ctx.channel(), ApiError.internal(), keepAlive);
        }
    }

    private static String allowed(Map<HttpMethod, Endpoint> byMethod) {
        var names = new java.util.ArrayList<>(byMethod.keySet().stream().map(HttpMethod::name).toList());
        if (byMethod.containsKey(HttpMethod.GET) && !byMethod.containsKey(HttpMethod.HEAD)) names.add("HEAD");
        return String.join(", ", names);
    }

    /** What the codec could not parse: oversized header blocks and request lines get their own statuses. */
    private static ApiError decodingError(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) return ApiError.headersTooLarge();
        if (cause instanceof TooLongHttpLineException) return ApiError.uriTooLong();
        return ApiError.invalid("Malformed HTTP request.", null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Usually a client resetting the connection; the channel's close cancels its work.
        log.debug("connection error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
