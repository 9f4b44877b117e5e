from enum import StrEnum


class ConversionInto(StrEnum):
    CASH = "cash"
    POINTS = "points"
    SHARES = "shares"

    def __str__(self) -> str:
        return str(self.value)
