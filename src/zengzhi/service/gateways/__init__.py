"""The payment gateways' own protocols (WeChat Pay API v3, Alipay OpenAPI): signing,
verifying, decrypting, and the few calls payouts need. No store, no framework: the
payment use cases (service/payments.py, service/gateway_payouts.py) drive them."""
