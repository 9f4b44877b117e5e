from enum import StrEnum


class PayeeInMethod(StrEnum):
    ALIPAY = "alipay"
    BANK = "bank"
    WECHAT = "wechat"

    def __str__(self) -> str:
        return str(self.value)
