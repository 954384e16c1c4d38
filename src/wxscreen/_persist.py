"""Save and load model bundles without pickle.

A bundle directory holds:

* ``model.skops`` — the fitted vectorizers and classifier, and the learned
  sentence flagger (``_flagmodel``: a vectorizer and logistic regressions), saved with
  :mod:`skops.io`. Loading first lists the types the file would build and
  refuses the file (:class:`ModelLoadError`) when any is outside
  :data:`TRUSTED_TYPES`; no code from the file is ever executed.
* ``vocabulary.json`` — the vectorizers' vocabularies as term lists in
  column order (kept out of the skops file, where per-key type records made
  loading take seconds);
* ``metadata.json`` — format version, wxscreen / scikit-learn / jieba
  versions, labels in ``classes_`` order, the corpus hash, the seed, the
  learned flagger's per-kind thresholds and the held-out metrics.

A bundle built with another scikit-learn minor version is refused with
:class:`ModelVersionError` naming both versions; rebuild it with
``wxscreen train``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ._cache import sweep_stale, touch
from ._errors import ModelLoadError, ModelVersionError
from ._features import Bundle
from ._linear import LinearFlagModel, LinearTextModel, flag_from_estimators, from_estimators
from ._tokenize import JiebaTokenizer

__all__ = ["FORMAT", "TRUSTED_TYPES", "load_bundle", "save_bundle"]

FORMAT = "wxscreen-bundle/3"
#: Formats this version reads: /2 bundles have no learned sentence flagger.
READABLE_FORMATS = frozenset({"wxscreen-bundle/2", FORMAT})
#: Version of the cached numpy twins (``_linear``: label model and sentence flagger); part of the cache key.
TWIN_FORMAT = "wxscreen-twin/2"
MODEL_FILE = "model.skops"
META_FILE = "metadata.json"
VOCAB_FILE = "vocabulary.json"

#: Every type a wxscreen model file may contain. Anything else is refused.
TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.NoneType",
        "builtins.slice",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.float32",
        "numpy.float64",
        "numpy.int64",
        "numpy.int32",
        "scipy.sparse._csr.csr_matrix",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.svm._classes.LinearSVC",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._TemperatureScaling",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.utils._bunch.Bunch",
    }
)


def _versions() -> dict[str, str]:
    import jieba
    import sklearn

    from . import __version__

    return {"wxscreen": __version__, "scikit-learn": sklearn.__version__, "jieba": jieba.__version__}


def save_bundle(bundle: Bundle, out_dir: str | os.PathLike[str]) -> Path:
    """Write a bundle to ``out_dir`` (created if needed).

    Parameters
    ----------
    bundle : Bundle
        A fitted bundle.
    out_dir : path-like
        Target directory; existing bundle files are replaced.

    Returns
    -------
    pathlib.Path
        The directory written.
    """
    import skops.io as sio

    bundle.estimators()  # a bundle from the twin cache loads its scikit-learn objects first
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vecs = {"word": bundle.word, "char": bundle.char}
    payload: dict[str, Any] = {"word": bundle.word, "char": bundle.char, "clf": bundle.clf}
    if bundle.flagger is not None:
        vecs["flag"] = bundle.flagger.vec
        payload["flag"] = {
            "vec": bundle.flagger.vec, "kind": bundle.flagger.kind_clf, "detail": bundle.flagger.detail_clf
        }
    vocab = {}
    saved = {}
    for name, vec in vecs.items():
        saved[name] = vec.vocabulary_
        vocab[name] = [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
        vec.vocabulary_ = {}
    try:
        sio.dump(payload, out / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    finally:
        for name, vec in vecs.items():
            vec.vocabulary_ = saved[name]
    (out / VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    meta = {"format": FORMAT, "versions": _versions(), **bundle.metadata}
    meta["labels"] = bundle.classes
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
    return out


def _minor(v: str) -> tuple[str, ...]:
    return tuple(v.split(".")[:2])


def _sklearn_version() -> str:
    """The installed scikit-learn version, without importing it (importing takes over a second)."""
    try:
        from importlib.metadata import version

        return version("scikit-learn")
    except Exception:  # pragma: no cover - unusual installs
        import sklearn

        return str(sklearn.__version__)


def load_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Load a bundle directory written by :func:`save_bundle`.

    The first load of a bundle checks and loads ``model.skops`` with skops
    and derives the numpy twins of the model and of the learned sentence
    flagger (:mod:`wxscreen._linear`); the twins' arrays are cached per user (``$WXSCREEN_CACHE_DIR``, same
    ownership checks as the jieba dictionary cache) under a hash of the three
    bundle files and the scikit-learn version. Later loads of the same files
    read the cached arrays (``numpy.load``, no pickle) and import neither
    scikit-learn nor skops; the scikit-learn objects (the flagger's too) are
    loaded only if asked for (:meth:`Bundle.estimators`). A flagger that
    cannot be twinned exactly keeps its scikit-learn models, and its bundle
    is then always loaded with skops.

    Parameters
    ----------
    path : path-like
        The bundle directory.

    Returns
    -------
    Bundle

    Raises
    ------
    ModelLoadError
        If a file is missing or unreadable, the format is unknown, or the model
        file holds a type outside :data:`TRUSTED_TYPES`.
    ModelVersionError
        If the bundle was built with another scikit-learn minor version.
    """
    p = Path(path)
    try:
        meta_bytes = (p / META_FILE).read_bytes()
        meta: dict[str, Any] = json.loads(meta_bytes.decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot read {p / META_FILE}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") not in READABLE_FORMATS:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ModelLoadError(f"{p / META_FILE}: unknown bundle format {found!r}, expected {FORMAT!r}")
    built = str(meta.get("versions", {}).get("scikit-learn", "?"))
    installed = _sklearn_version()
    if _minor(built) != _minor(installed):
        raise ModelVersionError(
            f"model in {p} was built with scikit-learn {built}, this environment has "
            f"{installed}; install scikit-learn {'.'.join(_minor(built))}.x or rebuild "
            f"the model with `wxscreen train`"
        )
    tokenizer = JiebaTokenizer(hmm=bool(meta.get("hmm", False)))
    try:
        vocab_bytes = (p / VOCAB_FILE).read_bytes()
        model_bytes = (p / MODEL_FILE).read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"cannot read the model files in {p}: {exc}") from exc
    key = hashlib.sha256(
        b"\0".join([TWIN_FORMAT.encode(), installed.encode(), meta_bytes, vocab_bytes, model_bytes])
    ).hexdigest()[:24]
    # a bundle with a learned sentence flagger (format /3) starts from the cache only
    # when the cache holds the flagger's twin too
    has_flagger = b'"flag"' in vocab_bytes
    cached = _load_twin(key, vocab_bytes, has_flagger)
    if cached is not None:
        loader = _SkopsLoader(p, meta)
        if cached[1] is not None:
            from ._flagmodel import SentenceFlagger

            thresholds, gates, risky_gates = _flag_knobs(p, meta)
            loader.flagger = SentenceFlagger(None, {}, {}, thresholds, gates, risky_gates, twin=cached[1])
        return Bundle(None, None, None, meta, tokenizer, flagger=loader.flagger, linear=cached[0], loader=loader)
    word, char, clf, flagger = _load_estimators(p, meta)
    twin = from_estimators(word, char, clf)
    if flagger is not None:
        flagger.twin = flag_from_estimators(flagger.vec, flagger.kind_clf, flagger.detail_clf)
    if twin is not None and (flagger is None or flagger.twin is not None):
        _save_twin(key, twin, None if flagger is None else flagger.twin)
    return Bundle(word, char, clf, meta, tokenizer, flagger=flagger, linear=twin)


class _SkopsLoader:
    """Picklable deferred :func:`_load_estimators` of one bundle directory."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.meta = meta
        #: the bundle's twin-only flagger, given its scikit-learn objects on load
        self.flagger: Any = None

    def __call__(self) -> tuple[Any, Any, Any]:
        word, char, clf, flagger = _load_estimators(self.path, self.meta)
        if self.flagger is not None and flagger is not None:
            self.flagger.vec, self.flagger.kind_clf, self.flagger.detail_clf = (
                flagger.vec, flagger.kind_clf, flagger.detail_clf
            )
        return word, char, clf


def _load_estimators(p: Path, meta: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """Check and load ``model.skops`` and the vocabularies: ``(word, char, clf, flagger or None)``."""
    import skops.io as sio

    model_file = p / MODEL_FILE
    try:
        untrusted = set(sio.get_untrusted_types(file=model_file))
    except Exception as exc:  # skops raises several types on malformed files
        raise ModelLoadError(f"{model_file} is not a readable skops file: {exc}") from exc
    bad = sorted(t for t in untrusted if t not in TRUSTED_TYPES)
    if bad:
        raise ModelLoadError(f"{model_file} contains types wxscreen does not trust: {', '.join(bad)}")
    try:
        obj = sio.load(model_file, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelLoadError(f"{model_file} could not be loaded: {exc}") from exc
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if (
        not isinstance(obj, dict)
        or set(obj) - {"flag"} != {"word", "char", "clf"}
        or not isinstance(obj["word"], TfidfVectorizer)
        or not isinstance(obj["char"], TfidfVectorizer)
        or not isinstance(obj["clf"], CalibratedClassifierCV)
    ):
        raise ModelLoadError(f"{model_file} does not hold a wxscreen model (word/char vectorizers and a classifier)")
    flag = obj.get("flag")
    vecs = {"word": obj["word"], "char": obj["char"]}
    if flag is not None:
        if (
            not isinstance(flag, dict)
            or not isinstance(flag.get("vec"), TfidfVectorizer)
            or not isinstance(flag.get("kind"), dict)
            or not isinstance(flag.get("detail"), dict)
            or not all(isinstance(c, LogisticRegression) for c in flag["kind"].values())
            or not all(isinstance(c, (LogisticRegression, str)) for c in flag["detail"].values())
            or set(flag["kind"]) != set(flag["detail"])
        ):
            raise ModelLoadError(f"{model_file} holds a malformed sentence flagger")
        vecs["flag"] = flag["vec"]
    try:
        vocab = json.loads((p / VOCAB_FILE).read_text("utf-8"))
        for name, vec in vecs.items():
            terms = vocab[name]
            if not all(isinstance(t, str) for t in terms) or len(terms) != len(vec.idf_):
                raise ValueError(f"{name} vocabulary does not match the model's {len(vec.idf_)} features")
            vec.vocabulary_ = {t: i for i, t in enumerate(terms)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelLoadError(f"cannot read {p / VOCAB_FILE}: {exc}") from exc
    flagger = None
    if flag is not None:
        from ._flagmodel import SentenceFlagger

        flagger = SentenceFlagger(flag["vec"], flag["kind"], flag["detail"], *_flag_knobs(p, meta))
    return obj["word"], obj["char"], obj["clf"], flagger


def _flag_knobs(p: Path, meta: dict[str, Any]) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """The learned flagger's per-kind thresholds, gates and risky gates from the metadata.

    A bundle without ``flag_risky_gates`` (trained before they existed) gets none.

    Raises
    ------
    ModelLoadError
        If any of them is not a mapping of flag kinds to numbers.
    """
    knobs = {}
    for key in ("flag_thresholds", "flag_gates", "flag_risky_gates"):
        val = meta.get(key, {})
        if not isinstance(val, dict) or not all(isinstance(v, (int, float)) for v in val.values()):
            raise ModelLoadError(f"{p / META_FILE}: {key} must map flag kinds to numbers")
        knobs[key] = {str(k): float(v) for k, v in val.items()}
    return knobs["flag_thresholds"], knobs["flag_gates"], knobs["flag_risky_gates"]


def _twin_file(key: str) -> str:
    from ._tokenize import _default_cache_dir

    return os.path.join(_default_cache_dir(), f"model-{key}.npz")


def _load_twin(
    key: str, vocab_bytes: bytes, has_flagger: bool = False
) -> tuple[LinearTextModel, LinearFlagModel | None] | None:
    """The cached twins for ``key`` (label model; flagger when ``has_flagger``), or None.

    None when the file is missing, untrusted or inconsistent, or lacks the
    flagger's arrays a flagger bundle needs.
    """
    import numpy as np

    path = _twin_file(key)
    try:
        st = os.stat(path)
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
            return None  # someone else's or group/world-writable file: do not trust it
        vocab = json.loads(vocab_bytes.decode("utf-8"))
        with np.load(path, allow_pickle=False) as arrays:
            twin = LinearTextModel.from_arrays(arrays, vocab["word"], vocab["char"])
            flag_twin = LinearFlagModel.from_arrays(arrays, vocab["flag"]) if has_flagger else None
        touch(path)  # in use: a sweep keeps it
        return twin, flag_twin
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
        return None


def _save_twin(key: str, twin: LinearTextModel, flag_twin: LinearFlagModel | None = None) -> None:
    import numpy as np

    path = _twin_file(key)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".model-", suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            arrays = twin.arrays() | ({} if flag_twin is None else flag_twin.arrays())
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except OSError:
        return  # read-only or missing cache dir: load with skops next time
    sweep_stale(os.path.dirname(path), os.path.basename(path))  # twins of models unused for weeks
