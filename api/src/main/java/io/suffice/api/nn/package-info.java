/**
 * A small layer vocabulary over {@link io.suffice.api.graph.Graph}: {@link io.suffice.api.nn.Linear},
 * {@link io.suffice.api.nn.Embedding}, {@link io.suffice.api.nn.LayerNorm},
 * {@link io.suffice.api.nn.TransformerBlock} (the paper's bias-free attention block), {@link io.suffice.api.nn.MLP}
 * and {@link io.suffice.api.nn.Losses}; each is used by a shipped model. Each declares named parameters
 * ({@code <name>.weight}, ...) with standard, seeded initialisers when constructed and emits its ops on
 * {@code apply}.
 */
package io.suffice.api.nn;
