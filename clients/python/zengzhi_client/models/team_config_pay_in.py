from enum import StrEnum


class TeamConfigPayIn(StrEnum):
    CASH = "cash"
    CONTRIBUTION = "contribution"

    def __str__(self) -> str:
        return str(self.value)
