package io.suffice.downstream.generative;

import io.suffice.api.graph.Value;

import java.util.List;
import java.util.Map;

/**
 * What a generative model built into a graph offers the {@link GenerativeTask} template: the objective it trains,
 * the values it reports beside it, the batch inputs, its conditioning token, and its prediction function (the
 * function that is exported and that the evaluations run).
 */
public interface GenerativeModel {

    /** The scalar the training core minimises (also the reported {@code loss}). */
    Value objective();

    /** Further scalars reported beside the loss, by metrics column (empty by default). */
    default Map<String, Value> metrics() {
        return Map.of();
    }

    /** Every graph input a training step reads. */
    List<Value> inputs();

    /** The conditioning token and its inputs. */
    ConditionToken condition();

    /** Name of the prediction output ({@code prediction}, {@code logits}). */
    String predictionName();

    /** The prediction function's output. */
    Value prediction();

    /** Every graph input the prediction reads (the first dimension of each is the batch). */
    List<Value> predictionInputs();
}
