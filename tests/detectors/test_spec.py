import pytest

from wxscreen import DetectorSpecError
from wxscreen.detectors import DetectorSpec, PatternDetector, load_scope


def test_bad_regex_names_file_and_field():
    spec = DetectorSpec.model_validate(
        {
            "name": "unofficial_transfer.v9",
            "kind": "unofficial_transfer",
            "description": "x",
            "patterns": [{"id": "x.bad", "detail": "safe_account", "regex": "(", "score": 0.5}],
        }
    )
    with pytest.raises(DetectorSpecError, match=r"demo.toml: patterns\[0\] \(x.bad\).regex"):
        PatternDetector(spec, load_scope(), source="demo.toml")


def test_unknown_macro():
    spec = DetectorSpec.model_validate(
        {
            "name": "unofficial_transfer.v9",
            "kind": "unofficial_transfer",
            "description": "x",
            "patterns": [{"id": "x.m", "detail": "safe_account", "regex": "<<nope>>", "score": 0.5}],
        }
    )
    with pytest.raises(DetectorSpecError, match="unknown macro <<nope>>"):
        PatternDetector(spec, load_scope())


def test_spec_validation_rejects_unknown_fields():
    with pytest.raises(ValueError):
        DetectorSpec.model_validate(
            {"name": "x.v1", "kind": "threat", "description": "", "patterns": [], "extra": 1}
        )
