/**
 * The contrastive (CLIP) model shared by the tasks that train or use it: the two-tower {@code ClipModel} with its
 * training plan and exports, the objectives of {@code ContrastiveObjective} (the paper's K-candidate risk and
 * InfoNCE) and token helpers. The {@code clip} task trains it; the generative tasks' frozen towers come from it.
 */
package io.suffice.downstream.contrastive;
