package org.mirrorsd.bench.specbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.LoadedModel;
import org.mirrorsd.models.ModelLoader;
import org.mirrorsd.models.chat.ChatMessage;
import org.mirrorsd.testing.SharedFiles;

/** Left-truncation of conversations to the prompt budget, with the story models' real tokenizer. */
class PromptFitterTest {

    @Test
    void leavesShortConversationsAlone() throws Exception {
        try (LoadedModel m = ModelLoader.load(SharedFiles.model("stories260K.bin"), SharedFiles.model("tok512.bin"), null)) {
            PromptFitter f = new PromptFitter(m.tokenizer(), m.chatTemplate(), 200);
            List<ChatMessage> c = List.of(ChatMessage.user("Once upon a time there was a cat."));
            PromptFitter.Fitted fitted = f.fit(c);
            assertFalse(fitted.truncated());
            assertEquals(c, fitted.messages());
            assertTrue(java.util.Arrays.equals(m.encodePrompt(m.chatTemplate().render(c, true)), fitted.promptIds()));
        }
    }

    @Test
    void cutsTheOldestTextFirstAndKeepsTheLatestTurn() throws Exception {
        try (LoadedModel m = ModelLoader.load(SharedFiles.model("stories260K.bin"), SharedFiles.model("tok512.bin"), null)) {
            PromptFitter f = new PromptFitter(m.tokenizer(), m.chatTemplate(), 60);
            String story = "Lily went to the park with her mom and saw a big red ball near the tree. ".repeat(8);
            List<ChatMessage> c = List.of(ChatMessage.user(story), ChatMessage.assistant("She played all day."),
                    ChatMessage.user("What did Lily see?"));
            PromptFitter.Fitted fitted = f.fit(c);
            assertTrue(fitted.truncated());
            assertTrue(fitted.promptIds().length <= 60, "fits: " + fitted.promptIds().length);
            assertTrue(fitted.promptIds().length >= 50, "cuts little more than needed: " + fitted.promptIds().length);
            assertEquals(c.subList(1, 3), fitted.messages().subList(fitted.messages().size() - 2, fitted.messages().size()));
            assertTrue(story.endsWith(fitted.messages().get(0).content() + " "), "kept the end of the oldest message");
            assertEquals(m.tokenizer().special().bos(), fitted.promptIds()[0]);
        }
    }

    @Test
    void mapsCategoriesToSpecBenchGroups() {
        assertEquals(TaskGroup.MT_BENCH, TaskGroup.ofCategory("writing"));
        assertEquals(TaskGroup.MT_BENCH, TaskGroup.ofCategory("math"));
        assertEquals(TaskGroup.MATH_REASONING, TaskGroup.ofCategory("math_reasoning"));
        assertEquals(TaskGroup.RAG, TaskGroup.byKey("rag"));
        assertEquals("Multi-turn conversation", TaskGroup.byKey("mt_bench").title());
    }
}
