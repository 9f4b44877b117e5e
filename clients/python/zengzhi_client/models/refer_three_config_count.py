from enum import StrEnum


class ReferThreeConfigCount(StrEnum):
    PEOPLE = "people"
    PURCHASES = "purchases"

    def __str__(self) -> str:
        return str(self.value)
