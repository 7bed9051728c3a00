package org.mirrorsd.server.completion;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backpressure for one stream. While the channel is not writable (Netty's outbound buffer is past its high
 * water mark because the client is not reading) the stream's sequences are parked by the scheduler; when it
 * drains, {@code resume} puts them back. A client that reads nothing for longer than the stall timeout has its
 * connection closed, which cancels the stream and frees what was buffered for it. Added to the channel's
 * pipeline for the life of one streamed response; its state is only touched on the event loop.
 */
final class SlowReaderWatch extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SlowReaderWatch.class);
    private final Runnable resume;
    private final long stallNanos;
    private ScheduledFuture<?> stall;

    SlowReaderWatch(Runnable resume, Duration stallTimeout) {
        this.resume = resume;
        this.stallNanos = stallTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) arm(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            disarm();
            resume.run();
        } else if (stall == null) {
            arm(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void arm(ChannelHandlerContext ctx) {
        stall = ctx.executor().schedule(() -> {
            stall = null;
            if (ctx.channel().isWritable()) return;
            log.info("closing a stream to {}: the client read nothing for {}", ctx.channel().remoteAddress(),
                    Duration.ofNanos(stallNanos));
            ctx.channel().close();
        }, stallNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (stall != null) stall.cancel(false);
        stall = null;
    }
}
