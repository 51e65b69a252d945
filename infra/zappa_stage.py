"""Write a Zappa settings file for one stage with its ${PLACEHOLDERS} filled in.

zappa_settings.json in the repository names every secret and account-specific value as a
placeholder (`${SECRET_KEY}`, `${LAMBDA_ROLE_ARN}`...), never a real value. At deploy time
this fills them from the outputs of the stage's CloudFormation stack (infra/shop.yaml names
its outputs like the placeholders, in CamelCase), SECRET_KEY and DATABASE_URL from the
secrets the stack keeps in Secrets Manager, and from the environment, which wins; it writes
the result outside the repository's tracked files:

    python infra/zappa_stage.py production --stack shop-production -o build/zappa_settings.json
    zappa update production -s build/zappa_settings.json -z build/shop-production.zip

Any placeholder left without a value is an error that names it; nothing is written then.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import quote

PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
ROOT = Path(__file__).resolve().parent.parent


def stage_chain(settings: dict, stage: str) -> list[str]:
    """Return the stage and the stages it extends, nearest first."""
    chain = []
    while stage:
        if stage not in settings:
            raise SystemExit(f"zappa_settings.json has no stage {stage!r}.")
        if stage in chain:
            raise SystemExit(f"Stage {stage!r} extends itself.")
        chain.append(stage)
        stage = settings[stage].get("extends")
    return chain


def fill(value, values: dict[str, str], missing: set[str]):
    """Replace every ${NAME} in strings inside value; collect names without a value."""
    if isinstance(value, dict):
        return {key: fill(item, values, missing) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values, missing) for item in value]
    if isinstance(value, str):

        def substitute(match):
            if match.group(1) not in values:
                missing.add(match.group(1))
                return match.group(0)
            return values[match.group(1)]

        return PLACEHOLDER.sub(substitute, value)
    return value


def render(settings: dict, stage: str, values: dict[str, str]) -> dict:
    """Return the settings of stage (and the stages it extends) with placeholders filled."""
    missing: set[str] = set()
    rendered = {
        name: fill(settings[name], values, missing) for name in stage_chain(settings, stage)
    }
    if missing:
        raise SystemExit(
            f"No value for {', '.join(sorted(missing))}: set them in the environment "
            "or as outputs of the stage's CloudFormation stack."
        )
    return rendered


def placeholder_name(output_key: str) -> str:
    """Name an output's placeholder: LambdaRoleArn -> LAMBDA_ROLE_ARN, AwsS3X -> AWS_S3_X."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", output_key).upper()


def stack_values(outputs: dict[str, str], secrets) -> dict[str, str]:
    """Return placeholder values from a stack's outputs, the two secrets read where they live.

    SECRET_KEY is the generated Django secret, SECRET_KEY_FALLBACKS its previous version (the
    one a rotation replaced, so that links, sessions and guest tokens made with it keep
    working for one more rotation); DATABASE_URL points at RDS Proxy with the database's
    RDS-managed credentials (TLS required).
    """
    values = {placeholder_name(key): value for key, value in outputs.items()}
    if "DjangoSecretArn" in outputs:
        secret = secrets.get_secret_value(SecretId=outputs["DjangoSecretArn"])
        values["SECRET_KEY"] = secret["SecretString"]
        try:
            previous = secrets.get_secret_value(
                SecretId=outputs["DjangoSecretArn"], VersionStage="AWSPREVIOUS"
            )
        except secrets.exceptions.ResourceNotFoundException:
            values["SECRET_KEY_FALLBACKS"] = ""  # never rotated
        else:
            values["SECRET_KEY_FALLBACKS"] = previous["SecretString"]
    if "DatabaseSecretArn" in outputs and "DatabaseProxyEndpoint" in outputs:
        secret = secrets.get_secret_value(SecretId=outputs["DatabaseSecretArn"])
        login = json.loads(secret["SecretString"])
        values["DATABASE_URL"] = (
            f"postgres://{quote(login['username'], safe='')}:{quote(login['password'], safe='')}"
            f"@{outputs['DatabaseProxyEndpoint']}:5432/shop?sslmode=require"
        )
    return values


def stack_outputs(stack: str) -> dict[str, str]:
    """Return a CloudFormation stack's outputs by key."""
    import boto3

    described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage")
    parser.add_argument("--stack", help="CloudFormation stack whose outputs give values")
    parser.add_argument("--settings", type=Path, default=ROOT / "zappa_settings.json")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    values = {}
    if args.stack:
        import boto3

        values = stack_values(stack_outputs(args.stack), boto3.client("secretsmanager"))
    values.update(os.environ)
    rendered = render(json.loads(args.settings.read_text()), args.stage, values)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # Secrets inside: readable by the deploying user only.
    descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as output:
        json.dump(rendered, output, indent=4)
    print(f"wrote {args.output} for stage {args.stage}")


if __name__ == "__main__":
    main(sys.argv[1:])
