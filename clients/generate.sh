#!/usr/bin/env bash
# Write the API's description (clients/openapi.json) from the code, and the typed Python
# client generated from it (clients/python). Run after changing a route; the test
# tests/service/test_clients.py fails while the committed files are behind the code.
# Needs the project's environment and openapi-python-client (pip install openapi-python-client).
set -euo pipefail
cd "$(dirname "$0")"
python - <<'PY' > openapi.json
import json

from zengzhi.app import create_app
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database

settings = Settings(database_url="sqlite:///:memory:", secret_key="only-to-describe-the-api-" * 2)
app = create_app(Context(Database(settings.database_url), settings))
print(json.dumps(app.openapi(), indent=2, ensure_ascii=False))
PY
openapi-python-client generate --path openapi.json --config python-config.yaml \
  --output-path python --overwrite --meta setup
