package org.mirrorsd.models.source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mirrorsd.models.gguf.GgufSplit;

/**
 * Picks the model file among the GGUFs of a folder or a Hub repository, as llama.cpp's {@code -hf} does: a quant
 * tag selects by name ({@code Q4_K_M} matches {@code model-Q4_K_M.gguf} and {@code model.q4_k_m.gguf}); without
 * one, the only model file, else {@code Q4_K_M}, else the first of a short preference list. Projector files
 * ({@code mmproj*}) and later shards of a split model are never picked.
 */
public final class GgufChoice {
    /** Tried in order when no quant is asked for and there is more than one file. */
    static final List<String> PREFERRED = List.of("Q4_K_M", "Q4_0", "Q5_K_M", "Q6_K", "Q8_0", "BF16", "F16", "F32");

    private GgufChoice() {}

    /**
     * @param names file names (may include folders, as Hub paths do)
     * @param quant the wanted quant tag, or null
     * @param where the folder or repository, for messages
     */
    public static String pick(List<String> names, String quant, String where) {
        List<String> models = candidates(names);
        if (models.isEmpty()) {
            throw new IllegalArgumentException(where + ": no GGUF model file there (found " + names.size() + " files)");
        }
        if (quant != null && !quant.isBlank()) {
            List<String> hits = new ArrayList<>();
            for (String n : models) if (hasQuant(n, quant)) hits.add(n);
            if (hits.isEmpty()) {
                throw new IllegalArgumentException(where + ": no GGUF for quant '" + quant + "'; available: " + models);
            }
            hits.sort(Comparator.comparingInt(String::length)); // "Q4_K" should not win over an exact "Q4_K" file
            return hits.getFirst();
        }
        if (models.size() == 1) return models.getFirst();
        for (String q : PREFERRED) {
            for (String n : models) if (hasQuant(n, q)) return n;
        }
        throw new IllegalArgumentException(where + ": " + models.size() + " GGUF files and no quant chosen; pick one with"
                + " --quant (or owner/repo:QUANT): " + models);
    }

    /** The model files among {@code names}: GGUFs that are not projectors and not a later shard. */
    static List<String> candidates(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String base = baseName(n).toLowerCase(Locale.ROOT);
            if (!base.endsWith(".gguf") || base.startsWith("mmproj")) continue;
            Optional<GgufSplit.ShardName> shard = GgufSplit.parseName(baseName(n));
            if (shard.isPresent() && !shard.get().isFirst()) continue;
            out.add(n);
        }
        out.sort(null);
        return out;
    }

    /** Whether the file name carries the quant tag as a whole word (separated by '-', '.', '_' or '/'). */
    static boolean hasQuant(String name, String quant) {
        String n = name.toUpperCase(Locale.ROOT);
        String q = quant.toUpperCase(Locale.ROOT);
        int i = n.indexOf(q);
        while (i >= 0) {
            boolean startOk = i == 0 || "-._/".indexOf(n.charAt(i - 1)) >= 0;
            int end = i + q.length();
            boolean endOk = end == n.length() || "-./".indexOf(n.charAt(end)) >= 0
                    || n.startsWith(".GGUF", end) || n.startsWith("-0", end);
            if (startOk && endOk) return true;
            i = n.indexOf(q, i + 1);
        }
        return false;
    }

    static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
