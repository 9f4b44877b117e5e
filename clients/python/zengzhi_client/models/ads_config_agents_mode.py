from enum import StrEnum


class AdsConfigAgentsMode(StrEnum):
    DIFFERENTIAL = "differential"
    FLAT = "flat"

    def __str__(self) -> str:
        return str(self.value)
