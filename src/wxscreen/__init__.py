"""wxscreen — screen WeChat messages sent to people behind on online loans.

Labels a message ``negotiation_offer``, ``collection_notice``, ``suspicious``,
``possible_scam`` or ``other`` with calibrated scores, and flags requests for
personal data and transfers to unofficial accounts with the exact characters
that triggered them.

>>> import wxscreen
>>> wxscreen.classify("已逾期30天，可申请分期还款，请在官方APP内确认方案").label.value
'negotiation_offer'

Importing wxscreen is cheap: jieba and scikit-learn are loaded on first use.
"""

# (no ``from __future__ import annotations`` here: it would leave a public
# ``annotations`` name; this module has no annotations to defer)
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from ._api import classify, classify_many
from ._chat import screen_chat
from ._errors import (
    CorpusFormatError,
    DetectorSpecError,
    InvalidInputError,
    ModelLoadError,
    ModelVersionError,
    WxScreenError,
)
from ._mask import mask_identifiers
from ._models import (
    ChatMessage,
    ChatQuote,
    ChatScreening,
    Entity,
    Flag,
    Label,
    ModelInfo,
    Screening,
    read_screening_json,
)
from ._normalize import NormalizedText, normalize
from ._report import render_report
from ._screener import MAX_MESSAGE_CHARS, Screener, load_screener

try:
    __version__ = _version("wxscreen")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "ChatMessage",
    "ChatQuote",
    "ChatScreening",
    "CorpusFormatError",
    "DetectorSpecError",
    "Entity",
    "Flag",
    "InvalidInputError",
    "Label",
    "MAX_MESSAGE_CHARS",
    "ModelInfo",
    "ModelLoadError",
    "ModelVersionError",
    "NormalizedText",
    "Screener",
    "Screening",
    "WxScreenError",
    "__version__",
    "classify",
    "classify_many",
    "load_screener",
    "mask_identifiers",
    "normalize",
    "read_screening_json",
    "render_report",
    "screen_chat",
]

for _name in __all__:
    _obj = globals()[_name]
    if hasattr(_obj, "__module__") and _name != "__version__":
        try:
            _obj.__module__ = "wxscreen"
        except (AttributeError, TypeError):
            pass
del _name, _obj
