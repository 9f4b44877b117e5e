"""One error shape for the whole project: a code, a message, and the field at fault.

Rules raise `DomainError`; the CLI prints it, the API maps `code` to a status.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"  # malformed or out-of-range input
    NOT_FOUND = "not_found"  # an id that does not exist (member, order, pool…)
    CONFLICT = "conflict"  # an id reused with different content, or a state that forbids the act
    INSUFFICIENT = "insufficient"  # not enough points or money for the act
    FORBIDDEN = "forbidden"  # the caller's role may not do this
    UNAUTHORIZED = "unauthorized"  # no or bad credentials
    TOO_MANY = "too_many"  # too many failed attempts: wait, then try again
    TOO_LARGE = "too_large"  # a request body past the server's limit


class DomainError(ValueError):
    """A refusal that names what was wrong; nothing was changed when it is raised.

    A ValueError, so that validators (pydantic's among them) report it as bad input.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        field: str | None = None,
        retry_after: int | None = None,  # seconds, for TOO_MANY
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field)
