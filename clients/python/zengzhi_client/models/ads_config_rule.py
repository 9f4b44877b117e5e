from enum import StrEnum


class AdsConfigRule(StrEnum):
    PERCENT = "percent"
    TIERS = "tiers"

    def __str__(self) -> str:
        return str(self.value)
