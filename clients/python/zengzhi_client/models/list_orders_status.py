from enum import StrEnum


class ListOrdersStatus(StrEnum):
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    CREATED = "created"
    PAID = "paid"
    REFUNDED = "refunded"
    REVERSED = "reversed"

    def __str__(self) -> str:
        return str(self.value)
