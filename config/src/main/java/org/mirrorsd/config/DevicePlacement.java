package org.mirrorsd.config;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where (part of) a model runs: a device kind plus, optionally, the layers it hosts.
 * Written {@code kind[:range]}, e.g. {@code cpu}, {@code cuda}, {@code cuda:4-}, {@code cuda:0-8}, {@code onnx}.
 *
 * @param kind   device kind
 * @param layers layers placed there; {@code null} = all of them
 */
public record DevicePlacement(Kind kind, LayerRange layers) {

    public enum Kind { CPU, CUDA, ONNX }

    /**
     * Half-open layer range {@code [start, end)}, so that {@code cpu:0-4} and {@code cuda:4-} split a model
     * without overlap. An absent end means "to the last layer".
     */
    public record LayerRange(int start, OptionalInt end) {

        public LayerRange {
            if (start < 0) {
                throw new IllegalArgumentException("layer range start must be >= 0, got " + start);
            }
            if (end.isPresent() && end.getAsInt() <= start) {
                throw new IllegalArgumentException(
                        "layer range end must be greater than its start, got " + start + "-" + end.getAsInt());
            }
        }

        public int endOr(int layerCount) {
            return end.orElse(layerCount);
        }

        public boolean contains(int layer) {
            return layer >= start && (end.isEmpty() || layer < end.getAsInt());
        }

        @Override
        public String toString() {
            return start + "-" + (end.isPresent() ? Integer.toString(end.getAsInt()) : "");
        }
    }

    public DevicePlacement {
        if (kind == null) {
            throw new IllegalArgumentException("device kind is required");
        }
    }

    public static DevicePlacement whole(Kind kind) {
        return new DevicePlacement(kind, null);
    }

    public Optional<LayerRange> layerRange() {
        return Optional.ofNullable(layers);
    }

    /**
     * Parses {@code kind[:A-B]}. A bare number after the colon ({@code cuda:1}) is rejected on purpose:
     * elsewhere it means a GPU index, here it would silently mean something else.
     *
     * @throws IllegalArgumentException with a one-line explanation
     */
    public static DevicePlacement parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected a device like cpu, cuda, cuda:4- or onnx, got an empty value");
        }
        String trimmed = text.strip();
        int colon = trimmed.indexOf(':');
        String kindText = colon < 0 ? trimmed : trimmed.substring(0, colon);
        Kind kind = parseKind(kindText, text);
        if (colon < 0) {
            return whole(kind);
        }
        return new DevicePlacement(kind, parseRange(trimmed.substring(colon + 1), text));
    }

    private static Kind parseKind(String kindText, String original) {
        try {
            return Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown device \"" + original + "\": expected cpu, cuda or onnx, optionally followed by :A-B");
        }
    }

    private static LayerRange parseRange(String range, String original) {
        int dash = range.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("bad device \"" + original
                    + "\": after ':' expected a layer range A-B, A- or -B (end exclusive), got \"" + range + "\"");
        }
        String startText = range.substring(0, dash).strip();
        String endText = range.substring(dash + 1).strip();
        if (startText.isEmpty() && endText.isEmpty()) {
            throw new IllegalArgumentException("bad device \"" + original + "\": empty layer range");
        }
        try {
            int start = startText.isEmpty() ? 0 : Integer.parseInt(startText);
            OptionalInt end = endText.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(endText));
            return new LayerRange(start, end);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device \"" + original
                    + "\": layer range bounds must be integers, got \"" + range + "\"");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad device \"" + original + "\": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return layers == null ? name : name + ":" + layers;
    }
}
