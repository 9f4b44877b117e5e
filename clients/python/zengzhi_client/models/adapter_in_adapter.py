from enum import StrEnum


class AdapterInAdapter(StrEnum):
    ALIPAY = "alipay"
    MANUAL = "manual"
    WEBHOOK = "webhook"
    WECHAT = "wechat"

    def __str__(self) -> str:
        return str(self.value)
