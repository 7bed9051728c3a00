package org.mirrorsd.devices.onnx.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import org.mirrorsd.models.LlamaConfig;

/**
 * The JSON file written beside an exported model: the decoder's shape, which an ONNX file does not state in
 * a form the executor can use (context length, RoPE details), plus where it came from.
 */
public record ExportSidecar(String format, int opset, String source, LlamaConfig config) {
    public static final String FILE_NAME = "mirror-sd-onnx.json";
    public static final String FORMAT = "mirror-sd-onnx/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    public static ExportSidecar read(Path file) throws IOException {
        ExportSidecar s = JSON.readValue(file.toFile(), ExportSidecar.class);
        if (!FORMAT.equals(s.format())) throw new IOException(file + ": not a mirror-sd ONNX sidecar (format " + s.format() + ")");
        return s;
    }
}
