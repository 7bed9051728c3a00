package org.mirrorsd.devices.onnx.export;

import java.nio.file.Path;

/**
 * What an export wrote.
 *
 * @param externalData the weights file beside the model, or null when the weights are inside it
 * @param sidecar      JSON with the model's {@link org.mirrorsd.models.LlamaConfig}, read by {@link ExportSidecar}
 */
public record ExportedModel(Path model, Path externalData, Path sidecar, int nodes, long weightBytes) {}
