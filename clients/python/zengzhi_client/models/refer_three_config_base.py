from enum import StrEnum


class ReferThreeConfigBase(StrEnum):
    ORDER = "order"
    PACKAGE = "package"

    def __str__(self) -> str:
        return str(self.value)
