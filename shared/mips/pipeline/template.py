"""template.yaml as the single source of truth: offline SAM translation and a small intrinsic resolver.

``translate()`` turns the SAM template into plain CloudFormation with aws-sam-translator, without an AWS
account: local ``CodeUri``/``ContentUri`` folders are replaced by ``s3://mips-local-code/<folder>`` (what
``sam package`` would upload) and managed policies are not looked up. The lint script runs cfn-lint on
that output, and ``mips run-local`` reads its queues, tables, bucket, event source mappings, handlers and
environment variables from it (see :mod:`mips.pipeline.provision`).

``Resolver`` evaluates the intrinsic functions the template uses (Ref, Fn::GetAtt, Fn::Sub, Fn::If,
Fn::Equals, Fn::Join, Fn::Not) once the physical names of the resources are known.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

LOCAL_CODE_BUCKET = "mips-local-code"
#: repository root (shared/mips/pipeline/template.py -> parents[3])
PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TEMPLATE = PROJECT_ROOT / "template.yaml"


class TemplateError(RuntimeError):
    """The template cannot be read, translated or resolved."""


class _CfnLoader(yaml.SafeLoader):
    """A SafeLoader that understands CloudFormation short tags (!Ref, !GetAtt, !Sub ...) without
    mutating yaml.SafeLoader globally (samtranslator.yaml_helper.yaml_parse does)."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = tag_suffix if tag_suffix == "Ref" or tag_suffix == "Condition" else f"Fn::{tag_suffix}"
    if name == "Fn::GetAtt" and isinstance(node, yaml.ScalarNode):
        value: Any = str(loader.construct_scalar(node)).split(".", 1)
    elif isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def load_sam(path: Path | str = DEFAULT_TEMPLATE) -> dict[str, Any]:
    """Parse the SAM template (YAML with CloudFormation short tags)."""
    try:
        with Path(path).open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_CfnLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or "Resources" not in data:
        raise TemplateError(f"{path} is not a CloudFormation/SAM template (no Resources)")
    return data


def code_locations(sam: Mapping[str, Any]) -> dict[str, str]:
    """Logical id -> local CodeUri/ContentUri folder (as written in the SAM template)."""
    out: dict[str, str] = {}
    for logical_id, res in sam["Resources"].items():
        props = res.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                out[logical_id] = props[key].rstrip("/")
    return out


def translate(
    path: Path | str = DEFAULT_TEMPLATE,
    region: str = "us-east-1",
    parameters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Translate the SAM template to CloudFormation offline (aws-sam-translator, no AWS calls)."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    sam = copy.deepcopy(load_sam(path))
    for logical_id, folder in code_locations(sam).items():
        props = sam["Resources"][logical_id]["Properties"]
        key = "CodeUri" if "CodeUri" in props else "ContentUri"
        props[key] = f"s3://{LOCAL_CODE_BUCKET}/{folder}"
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name=region))
    try:
        return translator.translate(sam, dict(parameters or {}), get_managed_policy_map=lambda: {})
    except Exception as exc:  # samtranslator raises its own InvalidDocumentException family
        raise TemplateError(f"aws-sam-translator rejected {path}: {exc}") from exc


def resources_of_type(cfn: Mapping[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in cfn["Resources"].items() if v.get("Type") == rtype}


_SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


class Resolver:
    """Evaluate intrinsic functions given parameter values and resource attributes.

    ``attribute(logical_id, name)`` is supplied by the caller; ``name`` is ``"Ref"`` for ``Ref``.
    """

    def __init__(
        self,
        cfn: Mapping[str, Any],
        parameters: Mapping[str, Any],
        pseudo: Mapping[str, str],
        attribute: Callable[[str, str], Any],
    ) -> None:
        self.cfn = cfn
        self.pseudo = dict(pseudo)
        self.attribute = attribute
        self.parameters: dict[str, Any] = {}
        for name, spec in (cfn.get("Parameters") or {}).items():
            value = parameters.get(name, spec.get("Default"))
            if value is None:
                raise TemplateError(f"parameter {name} has no value and no default")
            self.parameters[name] = str(value) if spec.get("Type") == "String" else value
        self._conditions: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            spec = (self.cfn.get("Conditions") or {}).get(name)
            if spec is None:
                raise TemplateError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(spec))
        return self._conditions[name]

    def _ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.attribute(name, "Ref")

    def _sub(self, arg: Any) -> str:
        template, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def repl(m: re.Match[str]) -> str:
            var = m.group(1)
            if var in variables:
                return str(variables[var])
            if "." in var and not var.startswith("AWS::"):
                res, att = var.split(".", 1)
                return str(self.attribute(res, att))
            return str(self._ref(var))

        return _SUB_VAR.sub(repl, template)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return self._ref(arg)
            if fn == "Fn::GetAtt":
                res, att = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.attribute(res, att)
            if fn == "Fn::Sub":
                return self._sub(arg)
            if fn == "Fn::If":
                name, yes, no = arg
                return self.resolve(yes if self.condition(name) else no)
            if fn == "Fn::Equals":
                a, b = self.resolve(arg)
                return str(a) == str(b)
            if fn == "Fn::Not":
                return not self.resolve(arg[0])
            if fn == "Fn::Join":
                sep, items = arg
                return str(sep).join(str(v) for v in self.resolve(items))
            if fn == "Condition":
                return self.condition(arg)
            if fn.startswith("Fn::"):
                raise TemplateError(f"intrinsic {fn} is not supported by the local resolver")
        return {k: self.resolve(v) for k, v in value.items()}
