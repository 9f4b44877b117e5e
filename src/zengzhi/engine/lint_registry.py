"""The lint vocabulary every check module shares: a finding and its severity, the list of
registered checks and the decorator that registers one, and the seeds' warnings the
messages cite. Apart from `lint.py` (which runs the checks) so that the modes' checks
(`lint_modes.py`) register here without importing the module that imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from zengzhi.engine.config import TenantConfig

SEED_DEEP = "seeds 000/001: 多级别级差奖（行政传销风险，谨慎使用）"
SEED_STATIC = "seed 000: 保本保收益…有可能涉非法集资，最好静态盈利不要超过消费金额"
SEED_ALT_ACCOUNTS = "seed 000: 二级分销模式的小号问题"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    field: str
    message: str

    @classmethod
    def error(cls, field: str, code: str, message: str) -> Finding:
        return cls(code=code, severity=Severity.ERROR, field=field, message=message)

    @classmethod
    def warning(cls, field: str, code: str, message: str) -> Finding:
        return cls(code=code, severity=Severity.WARNING, field=field, message=message)

    @classmethod
    def info(cls, field: str, code: str, message: str) -> Finding:
        return cls(code=code, severity=Severity.INFO, field=field, message=message)


Check = Callable[[TenantConfig], Iterable[Finding]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    """Register a check (a new mode's module decorates its own)."""
    CHECKS.append(function)
    return function
