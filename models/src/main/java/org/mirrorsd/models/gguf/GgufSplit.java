package org.mirrorsd.models.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Split GGUF models as llama.cpp's {@code gguf-split} writes them: shards {@code NAME-00001-of-0000N.gguf}, each a
 * GGUF file of its own with {@code split.no}, {@code split.count} and {@code split.tensors.count}; the first shard
 * carries all the model's metadata, every shard some of the tensors (offsets relative to its own data section).
 */
public final class GgufSplit {
    public static final String NO = "split.no";
    public static final String COUNT = "split.count";
    public static final String TENSORS_COUNT = "split.tensors.count";
    private static final Pattern SHARD = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf", Pattern.CASE_INSENSITIVE);

    private GgufSplit() {}

    /** A shard's place in its split, read from its file name. */
    public record ShardName(String prefix, int number, int count) {
        public String fileName(int n) {
            return String.format("%s-%05d-of-%05d.gguf", prefix, n, count);
        }

        public boolean isFirst() { return number == 1; }
    }

    /** The shard numbering in {@code fileName}, if it has one. */
    public static Optional<ShardName> parseName(String fileName) {
        Matcher m = SHARD.matcher(fileName);
        if (!m.matches()) return Optional.empty();
        int no = Integer.parseInt(m.group(2));
        int count = Integer.parseInt(m.group(3));
        if (no < 1 || count < 1 || no > count) return Optional.empty();
        return Optional.of(new ShardName(m.group(1), no, count));
    }

    static boolean isSplit(GgufFile f) {
        return f.getInt(COUNT, 1) > 1;
    }

    /** Opens the other shards beside {@code first} and joins them into one file. */
    static GgufFile join(GgufFile first) throws IOException {
        Path path = first.path();
        int count = first.getInt(COUNT);
        int no = first.getInt(NO, 0);
        if (no != 0) {
            throw new GgufFormatException(path + ": this is shard " + (no + 1) + " of " + count
                    + " of a split model; open the first shard (-00001-of-" + String.format("%05d", count) + ".gguf)");
        }
        ShardName name = parseName(path.getFileName().toString()).orElseThrow(() -> new GgufFormatException(path
                + ": split.count is " + count + " but the file name does not end in -00001-of-"
                + String.format("%05d", count) + ".gguf, so the other shards cannot be found"));
        if (name.count() != count) {
            throw new GgufFormatException(path + ": the file name says " + name.count() + " shards, split.count says " + count);
        }
        List<GgufFile> shards = new ArrayList<>();
        shards.add(first);
        try {
            for (int n = 2; n <= count; n++) {
                Path p = path.resolveSibling(name.fileName(n));
                if (!Files.isRegularFile(p)) {
                    throw new GgufFormatException(path + ": shard " + n + " of " + count + " is missing: " + p);
                }
                GgufFile shard = GgufFile.openSingle(p);
                shards.add(shard);
                if (shard.getInt(NO, -1) != n - 1 || shard.getInt(COUNT, -1) != count) {
                    throw new GgufFormatException(p + ": expected split.no " + (n - 1) + " of split.count " + count
                            + ", found " + shard.metadata().get(NO) + " of " + shard.metadata().get(COUNT));
                }
            }
            GgufFile joined = first.withShards(shards);
            Object expected = first.metadata().get(TENSORS_COUNT);
            if (expected instanceof Number n && n.longValue() != joined.tensors().size()) {
                throw new GgufFormatException(path + ": split.tensors.count is " + n + " but the " + count
                        + " shards hold " + joined.tensors().size() + " tensors");
            }
            return joined;
        } catch (IOException | RuntimeException e) {
            for (int i = 1; i < shards.size(); i++) shards.get(i).close();
            throw e;
        }
    }
}
