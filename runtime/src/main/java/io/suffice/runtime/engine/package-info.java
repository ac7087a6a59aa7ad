/**
 * The execution engine: reverse-mode autodiff ({@link io.suffice.runtime.engine.Autodiff}, one
 * {@link io.suffice.api.graph.GradientRule} per ONNX operator in a
 * {@link io.suffice.runtime.engine.GradientRegistry}), lowering of graphs to ONNX
 * ({@link io.suffice.runtime.engine.OnnxLowering}), ONNX Runtime sessions on CPU or CUDA
 * ({@link io.suffice.runtime.engine.OrtExecutor}), compiled training steps
 * ({@link io.suffice.runtime.engine.TrainStep}), bound inference ({@link io.suffice.runtime.engine.Inference}),
 * ONNX export ({@link io.suffice.runtime.engine.OnnxExport}) and safetensors checkpoints
 * ({@link io.suffice.runtime.engine.Checkpoints}).
 *
 * <pre>{@code
 * Graph g = new Graph(seed);
 * Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 2);
 * Value y = g.input("y", DType.FLOAT32, Shape.DYNAMIC);
 * Value f = g.squeeze(new MLP(g, "mlp", 2, 16, 1).apply(x), 1);
 * Value loss = g.reduceMean(g.softplus(g.neg(g.mul(y, f))), false);   // logistic loss, y = +-1
 * ParameterStore store = ParameterStore.of(g);
 * try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
 *      TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
 *     for (int t = 0; t < steps; t++) {
 *         step.step(Map.of("x", xs, "y", ys), optimizer, t, steps);   // optimizer updates store in place
 *     }
 * }
 * OnnxExport.export(Path.of("model.onnx"), List.of(x), Map.of("f", f), store);
 * }</pre>
 */
package io.suffice.runtime.engine;
