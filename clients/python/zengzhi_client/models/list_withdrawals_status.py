from enum import StrEnum


class ListWithdrawalsStatus(StrEnum):
    APPROVED = "approved"
    HELD = "held"
    PAID = "paid"
    PAYING = "paying"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return str(self.value)
