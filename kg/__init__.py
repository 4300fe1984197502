"""kg: a knowledge-graph linking engine for Chinese government policy documents."""

__version__ = "0.1.0"
