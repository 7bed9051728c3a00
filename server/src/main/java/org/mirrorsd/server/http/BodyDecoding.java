package org.mirrorsd.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.mirrorsd.server.openai.ApiError;

/**
 * Decodes request bodies sent with {@code Content-Encoding: gzip} or {@code deflate} (several codings are
 * undone in reverse order), after the aggregator has bounded the encoded size: the decoded size is bounded by
 * the same limit, so a small gzip bomb is a 413 after reading at most limit + 1 decoded bytes. Any other coding
 * is a 415; a body that does not decode is a 400.
 */
@ChannelHandler.Sharable
public final class BodyDecoding extends ChannelInboundHandlerAdapter {
    /** Codings undone per request at most: each costs up to a limit's worth of inflating. */
    private static final int MAX_CODINGS = 4;
    private final int limit;

    public BodyDecoding(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest r) || !r.decoderResult().isSuccess()
                || !r.headers().contains(HttpHeaderNames.CONTENT_ENCODING)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf decoded;
        try {
            decoded = decode(r.headers().get(HttpHeaderNames.CONTENT_ENCODING), r.content());
        } catch (ApiError e) {
            boolean keepAlive = HttpUtil.isKeepAlive(r);
            r.release();
            HttpResponses.error(ctx.channel(), e, keepAlive);
            return;
        }
        FullHttpRequest plain = r.replace(decoded);
        r.release();
        plain.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
        plain.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, decoded.readableBytes());
        ctx.fireChannelRead(plain);
    }

    private ByteBuf decode(String header, ByteBuf body) {
        String[] codings = header.split(",");
        if (codings.length > MAX_CODINGS) {
            throw ApiError.unsupportedEncoding(header, "at most " + MAX_CODINGS + " content codings are undone");
        }
        byte[] bytes = new byte[body.readableBytes()];
        body.getBytes(body.readerIndex(), bytes);
        for (int i = codings.length - 1; i >= 0; i--) {
            String coding = codings[i].strip().toLowerCase(Locale.ROOT);
            switch (coding) {
                case "identity" -> { }
                case "gzip", "x-gzip" -> bytes = gunzip(bytes);
                case "deflate" -> bytes = inflate(bytes);
                default -> throw ApiError.unsupportedEncoding(coding, "send gzip, deflate or identity");
            }
        }
        return Unpooled.wrappedBuffer(bytes);
    }

    private byte[] gunzip(byte[] in) {
        try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(in))) {
            return bounded(gz);
        } catch (IOException e) {
            throw ApiError.invalid("The request body is not valid gzip data.", null);
        }
    }

    /** RFC 9110's deflate is zlib-wrapped; some clients send raw deflate, which is tried next. */
    private byte[] inflate(byte[] raw) {
        try (InputStream z = new InflaterInputStream(new ByteArrayInputStream(raw))) {
            return bounded(z);
        } catch (IOException zlib) {
            Inflater nowrap = new Inflater(true);
            try (InputStream z = new InflaterInputStream(new ByteArrayInputStream(raw), nowrap)) {
                return bounded(z);
            } catch (IOException e) {
                throw ApiError.invalid("The request body is not valid deflate data.", null);
            } finally {
                nowrap.end();
            }
        }
    }

    /** Reads all of {@code in}, or throws a 413 as soon as it yields more than the limit. */
    private byte[] bounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) != -1; ) {
            if (out.size() + n > limit) throw ApiError.decodedTooLarge(limit);
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
