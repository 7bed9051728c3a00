package org.mirrorsd.server.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dk.brics.automaton.Automaton;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each family's tool-call syntax: what the forcing automaton accepts, and what the parser reads back. */
class ToolCallSyntaxTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<ToolCallSyntax.Function> functions() throws Exception {
        return List.of(new ToolCallSyntax.Function("add", JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                + "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"]}"), 0), new ToolCallSyntax.Function("ping", null, 1));
    }

    @Test
    void hermesCallsAreForcedAndParsed() throws Exception {
        Automaton one = ToolCallSyntax.HERMES.automaton(functions(), false, "tools");
        String call = "<tool_call>{\"name\":\"add\",\"arguments\":{\"a\":1,\"b\":2}}</tool_call>";
        assertTrue(one.run(call));
        assertFalse(one.run(call + "\n" + call), "one call only without parallel_tool_calls");
        assertFalse(one.run("<tool_call>{\"name\":\"add\",\"arguments\":{\"a\":1}}</tool_call>"));
        Automaton many = ToolCallSyntax.HERMES.automaton(functions(), true, "tools");
        String two = call + "\n<tool_call>{\"name\":\"ping\",\"arguments\":{}}</tool_call>";
        assertTrue(many.run(two));
        List<ToolCallSyntax.Call> calls = ToolCallSyntax.HERMES.parse("Sure.\n" + two, functions());
        assertEquals(List.of(new ToolCallSyntax.Call("add", "{\"a\":1,\"b\":2}"), new ToolCallSyntax.Call("ping", "{}")), calls);
        assertTrue(ToolCallSyntax.HERMES.parse("<tool_call>{\"name\":\"nope\",\"arguments\":{}}</tool_call>", functions()).isEmpty());
    }

    @Test
    void llamaAndMistralSyntaxes() throws Exception {
        assertTrue(ToolCallSyntax.LLAMA3.automaton(functions(), true, "tools").run("{\"name\":\"ping\",\"parameters\":{}}"));
        assertEquals("add", ToolCallSyntax.LLAMA3.parse("<|python_tag|>{\"name\":\"add\",\"parameters\":{\"a\":1,\"b\":2}}", functions()).get(0).name());
        Automaton m = ToolCallSyntax.MISTRAL.automaton(functions(), true, "tools");
        String calls = "[TOOL_CALLS][{\"name\":\"ping\",\"arguments\":{}},{\"name\":\"add\",\"arguments\":{\"a\":3,\"b\":4}}]";
        assertTrue(m.run(calls));
        assertEquals(2, ToolCallSyntax.MISTRAL.parse(calls, functions()).size());
    }
}
