package org.mirrorsd.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.mirrorsd.server.openai.ApiError;

/**
 * Requires {@code Authorization: Bearer <key>} on the API paths. Compares SHA-256 digests with
 * {@link MessageDigest#isEqual}, so neither the key's content nor its length shows in the timing. The key is
 * never logged.
 *
 * <p>Runs on the request head, before the body aggregator: a client without the key gets its 401 before any
 * {@code 100 Continue} and before its body is read. The refused request's body is then skipped exactly when it
 * is small and framed by a Content-Length; otherwise (chunked, large, or {@code Expect: 100-continue}, where the
 * client may never send it) the connection closes. One instance per connection.
 */
public final class ApiKeyAuthHandler extends ChannelInboundHandlerAdapter {
    private static final String BEARER = "Bearer ";
    private final byte[] keyDigest;
    private final long skippableBody;
    /** Dropping the content of a refused request, up to its last part. */
    private boolean discarding;

    /** @param skippableBody largest refused body read and dropped rather than closing the connection */
    public ApiKeyAuthHandler(byte[] keyDigest, long skippableBody) {
        this.keyDigest = keyDigest;
        this.skippableBody = skippableBody;
    }

    /** The digest to hand to each connection's handler. */
    public static byte[] digest(String apiKey) {
        return sha256(apiKey);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding && msg instanceof HttpContent) {
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        // A request the codec could not parse goes on to the router, which answers it (400, 414, 431) and
        // closes: the codec drops the rest of that connection, so a keep-alive 401 here would leave it hanging.
        if (msg instanceof HttpRequest r && r.decoderResult().isSuccess() && Paths.needsKey(Paths.of(r.uri()))
                && !authorized(r)) {
            boolean whole = msg instanceof LastHttpContent;
            long length = HttpUtil.getContentLength(r, -1L);
            boolean keepAlive = HttpUtil.isKeepAlive(r) && !HttpUtil.is100ContinueExpected(r)
                    && !HttpUtil.isTransferEncodingChunked(r) && length >= 0 && length <= skippableBody;
            ReferenceCountUtil.release(msg);
            discarding = !whole && keepAlive;
            HttpResponses.error(ctx.channel(), ApiError.unauthorized(), keepAlive);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean authorized(HttpRequest r) {
        String header = r.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) return false;
        return MessageDigest.isEqual(keyDigest, sha256(header.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
