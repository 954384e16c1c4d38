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

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from ._errors import ModelLoadError, ModelVersionError
from ._features import Bundle
from ._tokenize import JiebaTokenizer

__all__ = ["FORMAT", "TRUSTED_TYPES", "load_bundle", "save_bundle"]

FORMAT = "wxscreen-bundle/3"
#: Formats this version reads: /2 bundles have no learned sentence flagger.
READABLE_FORMATS = frozenset({"wxscreen-bundle/2", FORMAT})
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


def load_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Load a bundle directory written by :func:`save_bundle`.

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
    import sklearn
    import skops.io as sio

    p = Path(path)
    try:
        meta: dict[str, Any] = json.loads((p / META_FILE).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot read {p / META_FILE}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") not in READABLE_FORMATS:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ModelLoadError(f"{p / META_FILE}: unknown bundle format {found!r}, expected {FORMAT!r}")
    built = str(meta.get("versions", {}).get("scikit-learn", "?"))
    if _minor(built) != _minor(sklearn.__version__):
        raise ModelVersionError(
            f"model in {p} was built with scikit-learn {built}, this environment has "
            f"{sklearn.__version__}; install scikit-learn {'.'.join(_minor(built))}.x or rebuild "
            f"the model with `wxscreen train`"
        )
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

        knobs = {}
        for key in ("flag_thresholds", "flag_gates"):
            val = meta.get(key, {})
            if not isinstance(val, dict) or not all(isinstance(v, (int, float)) for v in val.values()):
                raise ModelLoadError(f"{p / META_FILE}: {key} must map flag kinds to numbers")
            knobs[key] = {str(k): float(v) for k, v in val.items()}
        flagger = SentenceFlagger(
            flag["vec"], flag["kind"], flag["detail"], knobs["flag_thresholds"], knobs["flag_gates"]
        )
    return Bundle(
        obj["word"], obj["char"], obj["clf"], meta, JiebaTokenizer(hmm=bool(meta.get("hmm", False))), flagger=flagger
    )
