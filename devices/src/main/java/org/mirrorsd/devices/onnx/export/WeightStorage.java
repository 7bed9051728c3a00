package org.mirrorsd.devices.onnx.export;

/** Where an export puts the weights. */
public enum WeightStorage {
    /** Inside model.onnx up to 1 GiB of weights, beside it in model.onnx.data above (protobuf's 2 GB limit). */
    AUTO,
    /** Always inside model.onnx (fails above 2 GB). */
    EMBEDDED,
    /** Always in model.onnx.data, referenced from the TensorProtos as ONNX external data. */
    EXTERNAL
}
