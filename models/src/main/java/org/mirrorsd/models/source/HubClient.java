package org.mirrorsd.models.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.mirrorsd.config.HubReference;
import org.mirrorsd.models.gguf.GgufSplit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a GGUF model from a Hugging Face Hub (or a mirror: {@code HF_ENDPOINT}) into the shared cache, once.
 * It speaks the Hub's public endpoints the way {@code huggingface_hub} does: the file list from
 * {@code /api/models/REPO/revision/REV}; per file a {@code HEAD} on {@code /REPO/resolve/REV/FILE} without following
 * redirects, for the commit ({@code X-Repo-Commit}), the content hash ({@code X-Linked-Etag} for LFS files, else
 * {@code ETag}) and the size; then a {@code GET} that follows the redirect to the storage host. Downloads go to
 * {@code blobs/ETAG.incomplete} and resume there with a {@code Range} request; a finished file is checked against
 * its ETag (SHA-256 for LFS files, the git blob SHA-1 for small ones) before it is moved into place. The token is
 * sent to the endpoint's host only, never to the storage host a redirect points at.
 */
public final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout()).build();
    }

    /**
     * The local path of the model file {@code ref} names (its first shard, with every other shard beside it),
     * downloading what the cache lacks. Offline ({@code HF_HUB_OFFLINE}), or when the Hub cannot be reached, a
     * cached snapshot of the revision is used.
     *
     * @param quant the quant tag to pick when the reference has none; null for the default choice
     */
    public Path fetch(HubReference ref, String quant) throws IOException {
        String wanted = ref.quant() != null ? ref.quant() : quant;
        HubCache cache = new HubCache(settings.cache(), ref);
        if (settings.offline()) return cached(ref, wanted, cache, "HF_HUB_OFFLINE is set");
        RepoListing listing;
        try {
            listing = listing(ref);
        } catch (java.net.ConnectException | java.net.http.HttpTimeoutException | java.nio.channels.UnresolvedAddressException e) {
            return cached(ref, wanted, cache, "the Hub at " + settings.endpoint() + " cannot be reached (" + e + ")");
        }
        String first = GgufChoice.pick(listing.files(), wanted, ref.repo());
        List<String> files = shardsOf(first, listing.files());
        Path firstPath = null;
        for (String f : files) {
            Path p = fetchFile(ref, listing.commit(), f, cache);
            if (firstPath == null) firstPath = p;
        }
        if (listing.commit() != null) cache.writeRef(ref.revision(), listing.commit());
        return firstPath;
    }

    private Path cached(HubReference ref, String quant, HubCache cache, String why) throws IOException {
        Optional<String> commit = cache.commitOf(ref.revision());
        if (commit.isEmpty()) {
            throw new IOException(ref + ": " + why + ", and nothing of it is in the cache " + settings.cache());
        }
        List<String> files = cache.snapshotFiles(commit.get());
        String first = GgufChoice.pick(files, quant, ref.repo() + " (cached)");
        for (String f : shardsOf(first, files)) {
            if (!Files.isRegularFile(cache.snapshot(commit.get(), f))) {
                throw new IOException(ref + ": " + why + ", and the cache lacks " + f);
            }
        }
        LOG.info("{}: {}; using the cached {}", ref, why, first);
        return cache.snapshot(commit.get(), first);
    }

    /** The file and, for the first shard of a split model, every shard of it. */
    private static List<String> shardsOf(String first, List<String> available) throws IOException {
        int slash = first.lastIndexOf('/');
        String dir = slash < 0 ? "" : first.substring(0, slash + 1);
        Optional<GgufSplit.ShardName> shard = GgufSplit.parseName(GgufChoice.baseName(first));
        if (shard.isEmpty()) return List.of(first);
        List<String> out = new ArrayList<>();
        for (int n = 1; n <= shard.get().count(); n++) {
            String name = dir + shard.get().fileName(n);
            if (!available.contains(name)) throw new IOException(first + ": shard " + name + " is not in the repository");
            out.add(name);
        }
        return out;
    }

    private record RepoListing(String commit, List<String> files) {}

    private RepoListing listing(HubReference ref) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + ref.repo() + "/revision/" + encode(ref.revision()));
        HttpResponse<byte[]> r = send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        check(r, ref.toString(), uri);
        JsonNode body = JSON.readTree(r.body());
        List<String> files = new ArrayList<>();
        for (JsonNode s : body.path("siblings")) {
            if (s.path("rfilename").isTextual()) files.add(s.path("rfilename").textValue());
        }
        String sha = body.path("sha").isTextual() ? body.path("sha").textValue() : null;
        return new RepoListing(sha, files);
    }

    private record FileInfo(String commit, String etag, long size) {}

    private Path fetchFile(HubReference ref, String listedCommit, String file, HubCache cache) throws IOException {
        URI resolve = URI.create(settings.endpoint() + "/" + ref.repo() + "/resolve/" + encode(ref.revision()) + "/"
                + encodePath(file));
        FileInfo info = head(resolve, ref + " " + file);
        String commit = info.commit() != null ? info.commit() : listedCommit;
        if (commit == null) throw new IOException(resolve + ": the Hub named no commit (X-Repo-Commit)");
        Path blob = cache.blob(info.etag());
        if (!Files.isRegularFile(blob) || (info.size() >= 0 && Files.size(blob) != info.size())) {
            download(resolve, file, info, cache);
        } else {
            LOG.info("{}: {} is in the cache", ref, file);
        }
        return cache.link(commit, file, info.etag());
    }

    private FileInfo head(URI uri, String what) throws IOException {
        HttpResponse<Void> r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 != 3) check(r, what, uri);
        String etag = header(r, "X-Linked-Etag").or(() -> header(r, "ETag")).map(HubClient::unquote).orElse(null);
        if (etag == null || !etag.matches("[0-9A-Za-z._-]{1,128}")) {
            throw new IOException(uri + ": the Hub gave no usable ETag (" + etag + "), so the download cannot be checked");
        }
        long size = header(r, "X-Linked-Size").or(() -> r.statusCode() / 100 == 3 ? Optional.empty() : header(r, "Content-Length"))
                .map(Long::parseLong).orElse(-1L);
        return new FileInfo(header(r, "X-Repo-Commit").orElse(null), etag, size);
    }

    private void download(URI resolve, String file, FileInfo info, HubCache cache) throws IOException {
        Path part = cache.incomplete(info.etag());
        Files.createDirectories(part.getParent());
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (info.size() >= 0 && have > info.size()) {
            Files.delete(part);
            have = 0;
        }
        URI uri = resolve;
        HttpResponse<InputStream> r = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = uri.getHost() != null && sameHost(uri) ? request(uri) : anonymous(uri);
            if (have > 0) b.header("Range", "bytes=" + have + "-");
            r = send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() / 100 != 3) break;
            String location = header(r, "Location").orElseThrow(() -> new IOException(resolve + ": redirect without Location"));
            r.body().close();
            uri = uri.resolve(location);
            r = null;
        }
        if (r == null) throw new IOException(resolve + ": more than " + MAX_REDIRECTS + " redirects");
        boolean append = r.statusCode() == 206;
        if (r.statusCode() == 416 && have == info.size()) {
            r.body().close();
            append = true;
        } else if (r.statusCode() != 200 && r.statusCode() != 206) {
            r.body().close();
            check(r, file, uri);
        }
        if (!append) have = 0;
        DownloadProgress progress = new DownloadProgress(file, info.size(), have);
        try (InputStream in = r.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                progress.advance(n);
            }
        }
        long got = Files.size(part);
        if (info.size() >= 0 && got != info.size()) {
            throw new IOException(file + ": download stopped at " + got + " of " + info.size()
                    + " bytes; run again to resume");
        }
        verify(part, info.etag(), file);
        Files.move(part, cache.blob(info.etag()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress.finished();
    }

    /** SHA-256 for LFS ETags (64 hex digits), the git blob SHA-1 for 40; other ETags cannot be checked. */
    static void verify(Path file, String etag, String name) throws IOException {
        String algorithm = etag.matches("[0-9a-f]{64}") ? "SHA-256" : etag.matches("[0-9a-f]{40}") ? "SHA-1" : null;
        if (algorithm == null) {
            LOG.warn("{}: ETag {} is not a content hash; the download is not checked", name, etag);
            return;
        }
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (algorithm.equals("SHA-1")) md.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equals(etag)) {
                Files.deleteIfExists(file);
                throw new IOException(name + ": checksum mismatch (" + algorithm + " " + actual + ", the Hub says "
                        + etag + "); the partial file was removed, run again to download it afresh");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean sameHost(URI uri) {
        URI endpoint = URI.create(settings.endpoint());
        return uri.getHost().equalsIgnoreCase(endpoint.getHost()) && uri.getPort() == endpoint.getPort();
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = anonymous(uri);
        if (settings.token() != null) b.header("Authorization", "Bearer " + settings.token());
        return b;
    }

    private HttpRequest.Builder anonymous(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(settings.timeout()).header("User-Agent", "mirror-sd");
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + request.uri());
        }
    }

    private void check(HttpResponse<?> r, String what, URI uri) throws IOException {
        int s = r.statusCode();
        if (s / 100 == 2) return;
        String hint = switch (s) {
            case 401, 403 -> settings.token() == null
                    ? "the repository is gated or private: set HF_TOKEN to a token that may read it"
                    : "the token in HF_TOKEN may not read this repository";
            case 404 -> "no such repository, revision or file";
            default -> "HTTP " + s;
        };
        throw new IOException(what + ": " + hint + " (" + s + " from " + uri + ")");
    }

    private static Optional<String> header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name);
    }

    private static String unquote(String etag) {
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("/")) {
            if (!sb.isEmpty()) sb.append('/');
            sb.append(encode(part));
        }
        return sb.toString();
    }
}
