"""zengzhi: a points-rebate engine on a double-entry ledger."""

__version__ = "0.1.0"
