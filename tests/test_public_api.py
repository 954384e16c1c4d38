import subprocess
import sys

import wxscreen
import wxscreen.detectors
import wxscreen.training

EXPECTED = [
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


TRAINING = [
    "AcceptedRate",
    "CVReport",
    "Calibration",
    "CorpusFlag",
    "ErrorFlag",
    "ErrorRecord",
    "EvalReport",
    "FlagMetrics",
    "LabelMetrics",
    "LabelledMessage",
    "MeanStd",
    "ReliabilityBin",
    "TagMetrics",
    "WxScreenClassifier",
    "corpus_sha256",
    "cross_validate",
    "evaluate",
    "load_corpus",
    "near_duplicate_groups",
    "plot_confusion_matrix",
    "plot_reliability",
    "reliability",
    "save_plots",
    "train",
]


def test_training_all_is_pinned():
    assert wxscreen.training.__all__ == TRAINING


def test_all_is_pinned_and_sorted():
    assert wxscreen.__all__ == EXPECTED
    assert sorted(wxscreen.__all__) == wxscreen.__all__
    for name in wxscreen.__all__:
        assert hasattr(wxscreen, name)


def test_public_namespace_is_all_plus_dunders_and_subpackages():
    # dir(wxscreen) shows nothing public beyond __all__, dunders and the public subpackages
    # (importlib helpers and __future__ features are imported under private names or not at all)
    code = (
        "import wxscreen, wxscreen.detectors, wxscreen.training; "
        "wxscreen.classify('请把验证码发给我'); "
        "print(' '.join(n for n in dir(wxscreen) if not n.startswith('_')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert set(out.stdout.split()) == set(EXPECTED) - {"__version__"} | {"detectors", "training"}
    for name in ("annotations", "PackageNotFoundError", "version"):
        assert not hasattr(wxscreen, name)


def test_subpackage_all_sorted():
    for mod in (wxscreen.detectors, wxscreen.training):
        assert sorted(mod.__all__) == mod.__all__
        for name in mod.__all__:
            assert hasattr(mod, name)


def test_label_enum_has_exactly_the_five_labels():
    assert [lab.value for lab in wxscreen.Label] == [
        "possible_scam",
        "suspicious",
        "negotiation_offer",
        "collection_notice",
        "other",
    ]


def test_import_is_lazy():
    code = (
        "import sys, wxscreen; "
        "bad = [m for m in ('jieba', 'sklearn', 'scipy', 'skops', 'opencc') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_training_import_is_lazy():
    # the estimator (scikit-learn), plots (matplotlib) and progress bars (tqdm) load on first use
    code = (
        "import sys, wxscreen.training; "
        "bad = [m for m in ('jieba', 'sklearn', 'skops', 'matplotlib', 'tqdm') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_errors_are_builtin_compatible():
    assert issubclass(wxscreen.InvalidInputError, ValueError)
    assert issubclass(wxscreen.ModelLoadError, OSError)
    assert issubclass(wxscreen.CorpusFormatError, ValueError)
    for name in ("InvalidInputError", "ModelLoadError", "ModelVersionError", "CorpusFormatError"):
        assert issubclass(getattr(wxscreen, name), wxscreen.WxScreenError)
