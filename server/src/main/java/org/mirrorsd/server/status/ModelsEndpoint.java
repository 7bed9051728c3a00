package org.mirrorsd.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.mirrorsd.server.ServedModel;
import org.mirrorsd.server.ServerState;
import org.mirrorsd.server.Serving;
import org.mirrorsd.server.http.Endpoint;
import org.mirrorsd.server.http.HttpResponses;
import org.mirrorsd.server.http.Paths;
import org.mirrorsd.server.openai.ApiError;
import org.mirrorsd.server.openai.Json;

/**
 * {@code GET /v1/models}: the served model in OpenAI's list format, with its context length and methods; and
 * {@code GET /v1/models/{id}}: that model object alone, or a 404 {@code model_not_found} for any other id.
 */
public final class ModelsEndpoint implements Endpoint {
    private final ServerState state;

    public ModelsEndpoint(ServerState state) {
        this.state = state;
    }

    @Override
    public void handle(Channel channel, FullHttpRequest request) {
        Serving serving = state.serving();
        if (serving == null) throw ApiError.unavailable("The model is still loading.");
        String path = Paths.of(request.uri());
        ObjectNode model = describe(serving);
        ObjectNode body;
        if (path.startsWith(Paths.MODEL_PREFIX)) {
            String id = QueryStringDecoder.decodeComponent(path.substring(Paths.MODEL_PREFIX.length()));
            if (!id.equals(serving.model().id())) throw ApiError.modelNotFound(id);
            body = model;
        } else {
            body = Json.object();
            body.put("object", "list");
            body.putArray("data").add(model);
        }
        HttpResponses.json(channel, HttpResponseStatus.OK, body, HttpUtil.isKeepAlive(request));
    }

    private static ObjectNode describe(Serving serving) {
        ServedModel m = serving.model();
        ObjectNode model = Json.object();
        model.put("id", m.id());
        model.put("object", "model");
        model.put("created", m.created());
        model.put("owned_by", "mirror-sd");
        model.put("context_length", m.contextLength());
        var methods = model.putArray("decoding_methods");
        serving.engines().keySet().stream().sorted().forEach(methods::add);
        return model;
    }
}
