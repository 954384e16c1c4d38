"""Access to package data (``wxscreen/data``) through :mod:`importlib.resources`."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable

__all__ = ["data_path"]


def data_path(*parts: str) -> Traversable:
    """Return a traversable for a file under ``wxscreen/data``.

    Parameters
    ----------
    *parts : str
        Path components below ``data/`` (e.g. ``"lexicons", "jieba_user.txt"``).

    Returns
    -------
    importlib.abc.Traversable
        The resource; use ``.read_text()``/``.read_bytes()`` or
        :func:`importlib.resources.as_file` for a real path.
    """
    node = resources.files("wxscreen").joinpath("data")
    for p in parts:
        node = node.joinpath(p)
    return node
