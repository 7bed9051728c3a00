package org.mirrorsd.models.gguf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes split GGUFs the way llama.cpp's gguf-split lays them out, for tests. */
public final class GgufSplitTestSupport {
    private GgufSplitTestSupport() {}

    /** Writes {@code src} as {@code shards} files NAME-0000i-of-0000N.gguf, tensors dealt out in file order. */
    public static List<Path> split(Path src, Path dir, String name, int shards) throws Exception {
        try (GgufFile f = GgufFile.open(src)) {
            List<GgufTensorInfo> tensors = f.tensors();
            ArrayList<Path> out = new java.util.ArrayList<>();
            int per = (tensors.size() + shards - 1) / shards;
            for (int s = 0; s < shards; s++) {
                GgufWriter w = new GgufWriter();
                if (s == 0) {
                    for (var e : f.metadata().entrySet()) {
                        Object v = e.getValue();
                        w.put(e.getKey(), v instanceof Long l && l >= 0 && l <= 0xFFFF_FFFFL ? new GgufWriter.U32(l) : v);
                    }
                }
                w.put(GgufSplit.NO, s).put(GgufSplit.COUNT, shards).put(GgufSplit.TENSORS_COUNT, tensors.size());
                for (int i = s * per; i < Math.min(tensors.size(), (s + 1) * per); i++) {
                    GgufTensorInfo t = tensors.get(i);
                    w.tensor(t.name(), t.shape(), t.type(), b -> b.put(t.data().asByteBuffer()));
                }
                Path p = dir.resolve(String.format("%s-%05d-of-%05d.gguf", name, s + 1, shards));
                w.write(p);
                out.add(p);
            }
            return out;
        }
    }

}
