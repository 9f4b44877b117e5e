from enum import StrEnum


class DividendConfigFunding(StrEnum):
    DISTRIBUTION = "distribution"
    PROFIT = "profit"

    def __str__(self) -> str:
        return str(self.value)
