from enum import StrEnum


class DividendConfigSplit(StrEnum):
    EQUAL = "equal"
    PERFORMANCE = "performance"

    def __str__(self) -> str:
        return str(self.value)
