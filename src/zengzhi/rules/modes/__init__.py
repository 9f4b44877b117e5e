"""The companion modes of spec 03, one module each, over the same ledger as the pool.

refer_three (A 推三返一), ads (B 广告电商), quota (C 循环购/股权分红), green (D 绿色积分),
union (E 工会排队), three_for_one (F 进三补一), shopping (G 积分抵扣); issuance control
(H) is part of a zone's settings (`zone.py`), which also runs an order, a task or a day
through the zone's modes.
"""
