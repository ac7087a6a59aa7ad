package io.suffice.api.data;

import io.suffice.api.tensor.HostTensor;

import java.util.List;

/**
 * What zero-shot evaluation of a CLIP pair needs from a labelled image-caption dataset, offered as an optional view
 * ({@link Dataset#zeroShot()}, like {@link Dataset#oracle()}): the class names, the prompt templates tokenized the
 * way the dataset tokenizes its captions, and labelled images of the training split (for a linear probe or a
 * supervised reference) and of a held-out test split. A task reads the images with the same field name as
 * {@link Dataset#sample} batches (e.g. {@code image}) and the labels from {@link #LABEL}.
 * <p>
 * Every method returns the same tensors on every call (no randomness); implementations are immutable and
 * thread-safe like the dataset.
 */
public interface ZeroShotSource {
    /** Field of the class index, int64 {@code [n]}, in {@link #train} and {@link #test} batches. */
    String LABEL = "label";

    /** Class names; a label is an index into this list. */
    List<String> classNames();

    /** The prompt templates of the evaluation, each with {@code {}} where the class name goes. */
    List<String> templates();

    /**
     * The prompts of one class, every template filled with its name and tokenized like the caption field:
     * int64 {@code [templates, T]}, row j the j-th template.
     */
    HostTensor prompts(int classIndex);

    /**
     * The token vocabulary (line i = token id i), for tools that tokenize text themselves (e.g. written as
     * {@code vocab.txt} beside an exported text encoder, for {@code suffice zero-shot --vocab}).
     */
    List<String> vocabulary();

    /**
     * The first {@code n} labelled images of the training split in a fixed order: the image field and
     * {@link #LABEL}.
     *
     * @throws IllegalArgumentException when the split has fewer than {@code n}
     */
    Batch train(int n);

    /** Every image of the held-out test split, in a fixed order: the image field and {@link #LABEL}. */
    Batch test();
}
