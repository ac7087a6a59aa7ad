package io.suffice.api.plugin;

import io.suffice.api.data.Dataset;

/** Service interface for data sources: generators (JGHM, Gaussian, XOR) and readers of files on disk. */
public interface DatasetProvider extends PluginProvider<Dataset> {
}
