"""The infrastructure template (infra/shop.yaml) as the deploy tests read it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stack_template() -> dict:
    """The template, decoded by cfn-lint (its !Ref and !Sub as Ref and Fn::Sub), unproblematic."""
    from cfnlint.decode import decode

    template, problems = decode(str(ROOT / "infra" / "shop.yaml"))
    assert not problems
    return template
