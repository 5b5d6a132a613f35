"""The data stage: sources, filters, statistics and the filtered dataset the training stage reads."""
