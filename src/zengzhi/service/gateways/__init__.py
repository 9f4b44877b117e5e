"""The payment gateways' own protocols (WeChat Pay API v3, Alipay OpenAPI): signing,
verifying, decrypting, and the few calls payouts need. No store, no framework: the
payment use cases (service/payments.py, service/gateway_payouts.py) drive them."""

# What a gateway's settings are made of: printable ASCII, no space (an address, an id, a
# key). A NUL or a U+202E in one was kept, and sent on with each request.
TOKEN = r"^[!-~]+$"
ADDRESS = r"^https?://[!-~]+$"
