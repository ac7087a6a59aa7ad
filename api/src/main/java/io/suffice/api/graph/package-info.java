/**
 * Symbolic graphs: {@link io.suffice.api.graph.Graph} builds {@link io.suffice.api.graph.Value}s with op builders
 * named after ONNX operators and checks shapes and dtypes as it goes; {@link io.suffice.api.graph.ParameterStore}
 * holds trainable values in direct buffers; {@link io.suffice.api.graph.Executor} and
 * {@link io.suffice.api.graph.Executable} are the runtime's compile-and-run service (implemented on ONNX Runtime in
 * {@code io.suffice.runtime.engine}). Layers built on top live in {@code io.suffice.api.nn}.
 */
package io.suffice.api.graph;
