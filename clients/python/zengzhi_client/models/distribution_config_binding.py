from enum import StrEnum


class DistributionConfigBinding(StrEnum):
    ANY_TIME = "any_time"
    FIRST_ORDER = "first_order"
    REGISTRATION = "registration"

    def __str__(self) -> str:
        return str(self.value)
