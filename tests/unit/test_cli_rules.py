"""``mips rules``: the per-year table is inspectable, with a citation for every parameter."""

import json

from mips.cli import main
from mips.rules import rules_for


def test_given_2024_when_listing_unconfirmed_then_every_row_cites_unconfirmed(capsys):
    assert main(["rules", "--unconfirmed", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    expected = sum(len(rs.unconfirmed()) for rs in rules_for(2024).rule_sets().values())
    assert len(rows) == expected > 0
    assert all("UNCONFIRMED" in r["source"] for r in rows)
    # spec 10 / 15 #37: the 2026 scaling factor is one of them
    assert {"category": "payment", "name": "scaling_factor"}.items() <= next(
        r for r in rows if r["name"] == "scaling_factor"
    ).items()


def test_given_2024_when_listing_all_then_text_names_the_performance_threshold(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "payment.performance_threshold = 75" in out


def test_given_an_unsupported_year_then_usage_error(capsys):
    assert main(["rules", "--year", "2017"]) == 2
    assert "not supported" in capsys.readouterr().out
