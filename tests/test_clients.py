"""The committed API description (clients/openapi.json) and the typed Python client generated
from it (clients/python) are the code's: a changed route fails here until
clients/generate.sh is run again."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from zengzhi.app import create_app
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "clients"


def described() -> dict[str, Any]:
    settings = Settings(
        database_url="sqlite:///:memory:", secret_key="only-to-describe-the-api-" * 2
    )
    schema: dict[str, Any] = create_app(
        Context(Database(settings.database_url), settings)
    ).openapi()
    return schema


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_the_committed_description_is_the_code_s() -> None:
    committed = json.loads((CLIENTS / "openapi.json").read_text(encoding="utf-8"))
    assert committed == described(), "run clients/generate.sh"


def test_the_python_client_has_every_operation() -> None:
    package = CLIENTS / "python" / "zengzhi_client" / "api"
    generated = {path.stem for path in package.glob("*/*.py") if path.stem != "__init__"}
    operations = {
        snake(operation["operationId"])
        for item in described()["paths"].values()
        for operation in item.values()
    }
    assert operations == generated, "run clients/generate.sh"
