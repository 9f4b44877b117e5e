from enum import StrEnum


class DividendConfigSplit(StrEnum):
    CONTRIBUTION = "contribution"
    EQUAL = "equal"
    PERFORMANCE = "performance"
    SHARES = "shares"

    def __str__(self) -> str:
        return str(self.value)
