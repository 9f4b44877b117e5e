from enum import StrEnum


class Role(StrEnum):
    FINANCE = "finance"
    INTEGRATOR = "integrator"
    MEMBER = "member"
    OPERATOR = "operator"
    OWNER = "owner"
    SUPPORT = "support"
    VIEWER = "viewer"

    def __str__(self) -> str:
        return str(self.value)
