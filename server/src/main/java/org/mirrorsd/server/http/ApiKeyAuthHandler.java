package org.mirrorsd.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.mirrorsd.server.openai.ApiError;

/**
 * Requires {@code Authorization: Bearer <key>} on the API paths. Compares SHA-256 digests with
 * {@link MessageDigest#isEqual}, so neither the key's content nor its length shows in the timing. The key is
 * never logged.
 */
@ChannelHandler.Sharable
public final class ApiKeyAuthHandler extends ChannelInboundHandlerAdapter {
    private static final String BEARER = "Bearer ";
    private final byte[] keyDigest;

    public ApiKeyAuthHandler(String apiKey) {
        this.keyDigest = sha256(apiKey);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // A request the codec could not parse goes on to the router, which answers it (400, 414, 431) and
        // closes: the codec drops the rest of that connection, so a keep-alive 401 here would leave it hanging.
        if (msg instanceof FullHttpRequest r && r.decoderResult().isSuccess() && Paths.needsKey(Paths.of(r.uri()))
                && !authorized(r)) {
            boolean keepAlive = HttpUtil.isKeepAlive(r);
            r.release();
            HttpResponses.error(ctx.channel(), ApiError.unauthorized(), keepAlive);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean authorized(FullHttpRequest r) {
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
