"""Payer profile ``aliases``: the names and payer ids a payer uses on its remits, validated, unique across
profiles, and matched ignoring case and repeated spaces."""

from __future__ import annotations

import pytest

from udfs.errors import FileError
from udfs.payers import find_profile, load_profiles, parse_profile, profile_for

BASE = "id: acme\nname: Acme Health\nmethod: Percent of billed\nfactor: 0.5\n"


def defaults():
    import yaml

    from udfs.reference import template_path

    data = yaml.safe_load(template_path("payers/_default.yaml").read_text())
    data.pop("aliases")
    return data


def test_shipped_profiles_carry_their_remit_names():
    profiles = load_profiles()
    # the demo remits (templates/demo/remits) name Northwind and Keystone differently from their profiles
    assert profiles["northwind-trust"].aliases == ("NORTHWIND BENEFIT TRUST", "NWT50")
    assert profiles["_default"].aliases == ()
    assert profile_for("nwt50", profiles).id == "northwind-trust"
    assert profile_for("Keystone  mutual INS co", profiles).id == "keystone-mutual"
    assert profile_for("Nobody", profiles).id == "_default"
    # the default profile never matches by its own name
    assert find_profile(["Other payer"], profiles) is None


def test_aliases_are_optional_and_kept_in_order():
    assert parse_profile(BASE, "acme.yaml", defaults()).aliases == ()
    profile = parse_profile(BASE + "aliases: ['ACME  HEALTH INS', '00123']\n", "acme.yaml", defaults())
    assert profile.aliases == ("ACME HEALTH INS", "00123")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("aliases: ACME\n", "acme.yaml:5: aliases: 'ACME' is not a list of names or payer ids"),
        ("aliases: [123]\n", "acme.yaml:5: aliases: 123 is not text: write payer ids in quotes"),
        ("aliases: ['']\n", "acme.yaml:5: aliases: an alias is empty"),
        ("aliases: ['acme health']\n", "acme.yaml:5: aliases: 'acme health' repeats the profile's id, name"),
        (
            "aliases: ['X1', 'x1']\n",
            "acme.yaml:5: aliases: 'x1' repeats the profile's id, name or another alias",
        ),
    ],
    ids=["not-a-list", "a-number", "empty", "repeats-name", "repeated"],
)
def test_bad_aliases_are_reported_with_file_and_line(text, message):
    with pytest.raises(FileError) as err:
        parse_profile(BASE + text, "acme.yaml", defaults())
    assert str(err.value).startswith(message)


def test_an_alias_may_belong_to_one_profile_only(tmp_path):
    (tmp_path / "acme.yaml").write_text(BASE + "aliases: ['NWT50']\n")
    with pytest.raises(FileError) as err:
        load_profiles(tmp_path)
    assert (
        "acme.yaml: aliases: alias 'NWT50' is also the id, name or an alias of profile northwind-trust"
        in str(err.value)
    )


def test_a_profile_that_is_not_utf8_is_named_with_its_line(tmp_path):
    # a Latin-1 n with tilde on line 3
    (tmp_path / "acme.yaml").write_bytes(b"id: acme\nname: Acme Salud\nnotes: a\xf1o\n")
    with pytest.raises(FileError) as err:
        load_profiles(tmp_path)
    assert str(err.value) == "acme.yaml:3: not UTF-8 text: save the profile as UTF-8"
