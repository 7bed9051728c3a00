package org.mirrorsd.bench.specbench;

import java.util.List;
import org.mirrorsd.models.chat.ChatMessage;

/** Answers a conversation's last user turn with a given decoding method: in-process or over HTTP. */
public interface Generator extends AutoCloseable {

    /** Where the answers come from, for the report ("in-process", the server URL). */
    String description();

    TurnResult generate(String method, List<ChatMessage> conversation) throws Exception;

    @Override
    default void close() throws Exception {}
}
