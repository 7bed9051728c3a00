package org.mirrorsd.models.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A model file mapped read-only into memory. Weights are slices of this mapping: the OS pages them in on
 * first use, and nothing is copied onto the Java heap.
 */
public record MappedFile(Path path, Arena arena, MemorySegment segment) implements AutoCloseable {

    public static MappedFile open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "model file not found");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new MappedFile(path, arena, segment);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public SegmentReader reader() {
        return new SegmentReader(path, segment);
    }

    @Override
    public void close() {
        arena.close();
    }
}
