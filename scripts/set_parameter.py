"""Set one dated value of a scoring parameter in shared/mips/parameters/<rule set>.yaml.

    python scripts/set_parameter.py cost improvement_max_percentage_points 2024 1.0 \
        --reference "spec 7.3 ... UNCONFIRMED" --status unconfirmed

VALUE is parsed as YAML (``1.0``, ``null``, ``[a, b]``, ``{k: v}``). The file is rewritten in the layout
the loader's files use (the header comment is kept); the value applies from YEAR on until a later key. Then
run the tests: the loader validates every file at import (see shared/mips/parameters/README.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

PARAMETERS = Path(__file__).resolve().parents[1] / "shared" / "mips" / "parameters"


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s))


def set_value(rule_set: str, name: str, year: int, value: Any, reference: str, status: str) -> Path:
    path = PARAMETERS / f"{rule_set}.yaml"
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    doc = yaml.safe_load(text) or {}
    entry = doc.setdefault(name, {"values": {}})
    entry["values"][year] = {"value": value, "reference": reference, "status": status}
    entry["values"] = dict(sorted(entry["values"].items()))
    body = yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None
    )
    path.write_text(header + body, encoding="utf-8")
    return path


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("rule_set", help="quality, ia, pi, cost, eligibility, weights, payment or bonus")
    p.add_argument("name", help="the dataclass field name")
    p.add_argument("year", type=int, help="first performance year the value is in force")
    p.add_argument("value", help="the value, as YAML")
    p.add_argument("--reference", required=True, help="citation (spec section, source ids)")
    p.add_argument("--status", required=True, choices=("confirmed", "unconfirmed"))
    args = p.parse_args()
    path = set_value(
        args.rule_set, args.name, args.year, yaml.safe_load(args.value), args.reference, args.status
    )
    print(f"{path.name}: {args.name} from {args.year} = {args.value!r} ({args.status})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
