"""reflect: a private terminal coach for the moment after hearing no."""

__version__ = "0.1.0"
