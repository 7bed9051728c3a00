package org.mirrorsd.models.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.mirrorsd.config.HubReference;

/**
 * The Hub cache layout {@code huggingface_hub} uses, so files downloaded here are shared with Python tools and
 * the other way round: {@code models--OWNER--REPO/blobs/ETAG} holds the bytes, {@code snapshots/COMMIT/FILE} links
 * to them, {@code refs/REVISION} names the commit a branch pointed at when last fetched.
 */
final class HubCache {
    private final Path repoDir;

    HubCache(Path cache, HubReference ref) {
        this.repoDir = cache.resolve(ref.cacheName());
    }

    Path blob(String etag) { return repoDir.resolve("blobs").resolve(etag); }

    Path incomplete(String etag) { return repoDir.resolve("blobs").resolve(etag + ".incomplete"); }

    Path snapshot(String commit, String file) { return repoDir.resolve("snapshots").resolve(commit).resolve(file); }

    /** The commit a revision resolved to last time, if any. */
    Optional<String> commitOf(String revision) throws IOException {
        Path ref = repoDir.resolve("refs").resolve(revision);
        if (Files.isRegularFile(ref)) return Optional.of(Files.readString(ref, StandardCharsets.UTF_8).strip());
        if (revision.matches("[0-9a-f]{40}") && Files.isDirectory(repoDir.resolve("snapshots").resolve(revision))) {
            return Optional.of(revision);
        }
        return Optional.empty();
    }

    void writeRef(String revision, String commit) throws IOException {
        if (revision.equals(commit)) return;
        Path ref = repoDir.resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Points {@code snapshots/COMMIT/FILE} at the blob (a relative link, as huggingface_hub makes it). */
    Path link(String commit, String file, String etag) throws IOException {
        Path link = snapshot(commit, file);
        Files.createDirectories(link.getParent());
        Path target = link.getParent().relativize(blob(etag));
        Files.deleteIfExists(link);
        try {
            Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob(etag), link, StandardCopyOption.REPLACE_EXISTING); // file systems without links
        }
        return link;
    }

    /** Files of a cached snapshot (paths relative to it), for offline use. */
    List<String> snapshotFiles(String commit) throws IOException {
        Path dir = repoDir.resolve("snapshots").resolve(commit);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
        }
        return out;
    }
}
