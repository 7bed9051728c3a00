package org.mirrorsd.decoding.constraint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.brics.automaton.Automaton;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mirrorsd.models.tokenizer.Tokenizer;
import org.mirrorsd.models.tokenizer.Tokenizers;
import org.mirrorsd.testing.SharedFiles;

/** The schema compiler accepts exactly what it should, refuses what it cannot do by name, and masks agree with it. */
class JsonSchemaCompilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Automaton compile(String schema) {
        try {
            return JsonSchemaCompiler.compile(JSON.readTree(schema), "s");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void objectsInDeclaredOrderWithOptionalProperties() {
        Automaton a = compile("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\"},"
                + "\"c\":{\"type\":\"boolean\"}},\"required\":[\"a\",\"c\"],\"additionalProperties\":false}");
        assertTrue(a.run("{\"a\":1,\"b\":\"x\",\"c\":true}"));
        assertTrue(a.run("{\"a\":-20,\"c\":false}"));
        assertFalse(a.run("{\"a\":1}"));
        assertFalse(a.run("{\"a\":01,\"c\":true}"));
        assertFalse(a.run("{\"a\":1,\"c\":true,}"));
    }

    @Test
    void enumsConstAnyOfOneOfAndRefs() {
        Automaton a = compile("{\"$defs\":{\"c\":{\"enum\":[\"red\",\"green\",3]}},\"type\":\"object\","
                + "\"properties\":{\"c\":{\"$ref\":\"#/$defs/c\"},\"k\":{\"const\":\"x\"},"
                + "\"v\":{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"integer\",\"minimum\":5,\"maximum\":12}]}},"
                + "\"required\":[\"c\",\"k\",\"v\"]}");
        assertTrue(a.run("{\"c\":\"red\",\"k\":\"x\",\"v\":null}"));
        assertTrue(a.run("{\"c\":3,\"k\":\"x\",\"v\":12}"));
        assertFalse(a.run("{\"c\":\"blue\",\"k\":\"x\",\"v\":null}"));
        assertFalse(a.run("{\"c\":3,\"k\":\"x\",\"v\":13}"));
        assertFalse(a.run("{\"c\":3,\"k\":\"x\",\"v\":4}"));
        Automaton one = compile("{\"oneOf\":[{\"type\":\"integer\",\"maximum\":10},{\"type\":\"integer\",\"minimum\":5}]}");
        assertTrue(one.run("3"));
        assertTrue(one.run("11"));
        assertFalse(one.run("7"), "7 satisfies both branches, so not oneOf");
    }

    @Test
    void integerAndNumberBounds() {
        Automaton i = compile("{\"type\":\"integer\",\"minimum\":-15,\"exclusiveMaximum\":101}");
        for (int v = -40; v <= 140; v++) assertEquals(v >= -15 && v <= 100, i.run(Integer.toString(v)), "" + v);
        Automaton n = compile("{\"type\":\"number\",\"minimum\":0,\"maximum\":2.5}");
        assertTrue(n.run("2"));
        assertTrue(n.run("1.75"));
        assertTrue(n.run("0.5"));
        assertFalse(n.run("3"));
        assertFalse(n.run("-0.5"));
        assertFalse(n.run("2.7"));
    }

    @Test
    void stringsWithLengthPatternAndFormat() {
        Automaton s = compile("{\"type\":\"string\",\"pattern\":\"^[A-Z][a-z]{1,3}\\\\d?$\"}");
        assertTrue(s.run("\"Abc\""));
        assertTrue(s.run("\"Ab7\""));
        assertFalse(s.run("\"abc\""));
        assertFalse(s.run("\"Abcde\""));
        Automaton unanchored = compile("{\"type\":\"string\",\"pattern\":\"ab\",\"maxLength\":4}");
        assertTrue(unanchored.run("\"xaby\""));
        assertFalse(unanchored.run("\"xayb\""));
        Automaton quote = compile("{\"type\":\"string\",\"pattern\":\"^a\\\"b$\"}");
        assertTrue(quote.run("\"a\\\"b\""), "a literal quote is written escaped");
        Automaton date = compile("{\"type\":\"string\",\"format\":\"date\"}");
        assertTrue(date.run("\"2024-02-28\""));
        assertFalse(date.run("\"2024-13-01\""));
        Automaton len = compile("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}");
        assertTrue(len.run("\"ab\""));
        assertTrue(len.run("\"a\\nb\""));
        assertFalse(len.run("\"abcd\""));
    }

    @Test
    void arraysWithItemBounds() {
        Automaton a = compile("{\"type\":\"array\",\"items\":{\"type\":\"boolean\"},\"minItems\":1,\"maxItems\":3}");
        assertFalse(a.run("[]"));
        assertTrue(a.run("[true]"));
        assertTrue(a.run("[true,false,true]"));
        assertFalse(a.run("[true,false,true,true]"));
        Automaton any = JsonSchemaCompiler.anyObject();
        assertTrue(any.run("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}"));
        assertFalse(any.run("[1]"));
    }

    @Test
    void unsupportedFeaturesNameTheirPlace() {
        SchemaException e = assertThrows(SchemaException.class,
                () -> compile("{\"type\":\"object\",\"properties\":{\"x\":{\"not\":{\"type\":\"string\"}}}}"));
        assertEquals("s.properties.x.not", e.param());
        e = assertThrows(SchemaException.class, () -> compile("{\"type\":\"string\",\"pattern\":\"(?=a)b\"}"));
        assertEquals("s.pattern", e.param());
        e = assertThrows(SchemaException.class, () -> compile("{\"$defs\":{\"n\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/n\"}}},"
                + "\"$ref\":\"#/$defs/n\"}"));
        assertTrue(e.getMessage().contains("Recursive"), e.getMessage());
        e = assertThrows(SchemaException.class, () -> compile("{\"type\":\"string\",\"format\":\"uri-template\"}"));
        assertEquals("s.format", e.param());
        e = assertThrows(SchemaException.class, () -> compile("{\"type\":\"string\",\"maxLength\":100000}"));
        assertEquals("s.maxLength", e.param());
        e = assertThrows(SchemaException.class, () -> compile("{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}"));
        assertEquals("s", e.param());
    }

    /** Every token the mask allows advances to a live state; every other (non-empty) token is refused. */
    @Test
    void masksAgreeWithTheAutomatonOnARealVocabulary() throws Exception {
        Tokenizer tok = Tokenizers.fromLlama2cFile(SharedFiles.model("tok512.bin"), 512);
        byte[][] bytes = new byte[512][];
        for (int t = 0; t < 512; t++) bytes[t] = tok.tokenBytes(t);
        Grammar g = new Grammar(compile("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":6},"
                + "\"n\":{\"type\":\"integer\"}},\"required\":[\"name\",\"n\"]}"), new TokenTrie(bytes));
        String text = "{\"name\":\"Lily\",\"n\":42}";
        int state = g.initial(true); // SentencePiece encodes the text with a leading space, which the output drops
        int pos = 0;
        int[] ids = tok.encode(text);
        for (int id : ids) {
            long[] mask = g.mask(state);
            for (int t = 0; t < 512; t++) {
                boolean allowed = (mask[t >>> 6] & (1L << t)) != 0;
                assertEquals(allowed, g.advance(state, t) >= 0, "token " + t + " at " + pos);
            }
            assertTrue((mask[id >>> 6] & (1L << id)) != 0, "the text's own token " + id + " is allowed");
            state = g.advance(state, id);
            pos += new String(tok.tokenBytes(id), StandardCharsets.UTF_8).length();
        }
        assertTrue(g.terminal(state), "the closed object is complete and final");
        JsonNode parsed = JSON.readTree(text);
        assertEquals(42, parsed.get("n").asInt());
    }
}
