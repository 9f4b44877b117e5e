from enum import StrEnum


class AdapterInAdapter(StrEnum):
    MANUAL = "manual"
    WEBHOOK = "webhook"

    def __str__(self) -> str:
        return str(self.value)
