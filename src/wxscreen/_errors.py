"""Exceptions raised by wxscreen.

The tree::

    WxScreenError                      base of every wxscreen error
    ├── InvalidInputError (ValueError) input of the right type but unusable,
    │                                  e.g. a bare ``str`` passed to ``classify_many``
    ├── ModelLoadError (OSError)       a model bundle is missing, unreadable, of an
    │                                  unknown format or holds untrusted types
    ├── ModelVersionError              a bundle built by an incompatible version
    ├── CorpusFormatError (ValueError) a corpus line breaks LABELS.md §4;
    │                                  carries ``path`` and ``line``
    └── DetectorSpecError (ValueError) a detector data file is invalid; names the
                                       file and the field path

Wrong *types* (``None``, ``bytes``, numbers where a ``str`` is expected) raise
the builtin :class:`TypeError`, naming the type received.
"""

from __future__ import annotations

__all__ = [
    "CorpusFormatError",
    "DetectorSpecError",
    "InvalidInputError",
    "ModelLoadError",
    "ModelVersionError",
    "WxScreenError",
]


class WxScreenError(Exception):
    """Base class of every error raised by wxscreen."""


class InvalidInputError(WxScreenError, ValueError):
    """Input of an accepted type that cannot be screened as given."""


class ModelLoadError(WxScreenError, OSError):
    """A model bundle could not be loaded safely."""


class ModelVersionError(WxScreenError):
    """A model bundle was built by an incompatible library version."""


class CorpusFormatError(WxScreenError, ValueError):
    """A corpus record does not follow LABELS.md §4.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    path : str, optional
        The corpus file.
    line : int, optional
        The 1-based line number in ``path``.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        where = f"{path}:{line}: " if path is not None and line is not None else ""
        super().__init__(where + message)
        self.path = path
        self.line = line


class DetectorSpecError(WxScreenError, ValueError):
    """A detector specification file is invalid."""
