from enum import StrEnum


class DividendConfigSchedule(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"

    def __str__(self) -> str:
        return str(self.value)
