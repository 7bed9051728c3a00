package org.mirrorsd.bench.specbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads SpecBench's {@code question.jsonl} and picks the questions of a run. */
public final class QuestionSet {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuestionSet() {}

    public static List<Question> load(Path file) throws IOException {
        List<Question> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            JsonNode turns = n.get("turns");
            if (turns == null || !turns.isArray() || !n.hasNonNull("question_id") || !n.hasNonNull("category")) {
                throw new IOException(file + ":" + lineNo + ": expected question_id, category and turns");
            }
            List<String> t = new ArrayList<>();
            for (JsonNode turn : turns) t.add(turn.asText());
            out.add(new Question(n.get("question_id").asInt(), n.get("category").asText(), t));
        }
        return out;
    }

    /**
     * The questions of the given groups, at most {@code limitPerGroup} of each (0 = all), in file order.
     * Taking the first ones of each group keeps runs with the same limit comparable.
     */
    public static List<Question> select(List<Question> all, Set<TaskGroup> groups, int limitPerGroup) {
        Map<TaskGroup, Integer> taken = new EnumMap<>(TaskGroup.class);
        List<Question> out = new ArrayList<>();
        for (Question q : all) {
            if (!groups.contains(q.group())) continue;
            int n = taken.merge(q.group(), 1, Integer::sum);
            if (limitPerGroup <= 0 || n <= limitPerGroup) out.add(q);
        }
        return out;
    }
}
