package org.mirrorsd.bench.specbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;

/** Runs {@code bench specbench} as the command line does and reads back what it wrote. */
final class ReportFiles {
    final int exitCode;
    final String stdout;
    final Path dir;
    final JsonNode json;

    private ReportFiles(int exitCode, String stdout, Path dir, JsonNode json) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.dir = dir;
        this.json = json;
    }

    static ReportFiles run(Path dir, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--out", dir.toString()));
        int rc = new SpecBenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(all.toArray(String[]::new));
        JsonNode json = new ObjectMapper().readTree(dir.resolve(ReportWriter.JSON).toFile());
        return new ReportFiles(rc, out.toString(StandardCharsets.UTF_8), dir, json);
    }

    String read(String file) throws Exception {
        return Files.readString(dir.resolve(file));
    }

    /** The four files exist, the index links the others, and the chart is well-formed XML with labels and legend. */
    void assertFilesWritten(List<String> methods) throws Exception {
        for (String f : List.of(ReportWriter.INDEX, ReportWriter.MARKDOWN, ReportWriter.JSON, ReportWriter.CHART)) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f + " written");
        }
        String index = read(ReportWriter.INDEX);
        for (String f : List.of(ReportWriter.MARKDOWN, ReportWriter.JSON, ReportWriter.CHART)) {
            assertTrue(index.contains("](" + f + ")"), "README links " + f);
        }
        String svg = read(ReportWriter.CHART);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve(ReportWriter.CHART).toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertTrue(svg.contains("Speedup over AR"), "y axis label");
        assertTrue(svg.contains("SpecBench task"), "x axis label");
        for (String m : methods) assertTrue(svg.contains(">" + m + "</text>"), "legend entry " + m);
    }
}
