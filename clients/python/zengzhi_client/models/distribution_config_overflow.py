from enum import StrEnum


class DistributionConfigOverflow(StrEnum):
    CUT = "cut"
    PLATFORM = "platform"

    def __str__(self) -> str:
        return str(self.value)
