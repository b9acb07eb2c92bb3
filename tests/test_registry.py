"""Operators are registered with their HALCON signature; other packages add theirs by entry point."""

import sys
import textwrap

import pytest

from hdl.registry import REGISTRY, Registry, RegistryError, format_signature, operator, parse_signature


def test_signatures_read_and_print_as_halcon_writes_them():
    text = "threshold(Image : Region : MinGray, MaxGray : )"
    name, groups = parse_signature(text)
    assert (name, groups) == ("threshold", [["Image"], ["Region"], ["MinGray", "MaxGray"], []])
    assert format_signature(name, groups) == text
    assert format_signature("for", [[], [], ["Start", "End", "Step"], ["Index"]]) == \
        "for( : : Start, End, Step : Index)"
    assert parse_signature("dev_update_off ( : : : )")[1] == [[], [], [], []]


@pytest.mark.parametrize("bad", ["no_parens", "x (A : B)", "x (A : B : C : D : E)", "x (1A : : : )", "9x ( : : : )"])
def test_bad_signatures_are_rejected(bad):
    with pytest.raises(RegistryError):
        parse_signature(bad)


def test_registering_twice_is_a_defect():
    registry = Registry()
    registry._loaded = True

    @operator("twice ( : : A : B)", registry=registry)
    def first(a):
        return a

    with pytest.raises(RegistryError):
        @operator("twice ( : : A : B)", registry=registry)
        def second(a):
            return a


def test_operators_of_other_packages_load_through_the_entry_point(tmp_path, monkeypatch):
    package = tmp_path / "hdl_extra_ops"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent("""
        from hdl.registry import operator

        @operator("extra_double ( : : Value : Doubled)")
        def extra_double(value):
            return value * 2
    """))
    dist = tmp_path / "hdl_extra_ops-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hdl-extra-ops\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[hdl.operators]\nextra = hdl_extra_ops\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(REGISTRY, "_loaded", False)
    try:
        op = REGISTRY.get("extra_double")
        assert op is not None and op.function(21) == 42
        assert op.signature() == "extra_double( : : Value : Doubled)"
    finally:
        REGISTRY.operators.pop("extra_double", None)
        sys.modules.pop("hdl_extra_ops", None)


def test_language_operators_are_registered():
    for name in ["dev_set_check", "dev_get_exception_data", "hdl_assert", "hdl_assert_equal", "par_join"]:
        assert REGISTRY.get(name) is not None, name
