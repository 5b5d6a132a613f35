"""The data stage: sources, filters, statistics and the filtered dataset the training stage reads."""

# sigil.config imports this package's config module; importing it first makes `import sigil.data.config`
# work on its own (otherwise the two packages import each other half-initialised).
import sigil.config  # noqa: F401
