"""Every operation's stable name and plain summary, as the OpenAPI description and the
clients generated from it show them. A name here is a promise to integrators (their
generated clients call `createOrder`): change one only with a new API version. A route
not listed is named from its function (tests/service/test_openapi.py asks for a row)."""

from __future__ import annotations

# "METHOD /path": (operationId, summary)
OPERATIONS: dict[str, tuple[str, str]] = {
    "GET /health": ("health", "Is the server up"),
    # tenants, users, keys, sign-in
    "POST /v1/tenants": ("createTenant", "Create a tenant and its owner (admin token)"),
    "POST /v1/auth/login": ("login", "Sign in a console user"),
    "POST /v1/auth/logout": ("logout", "Sign out this session"),
    "GET /v1/tenant": ("getTenant", "The tenant and its settings"),
    "PUT /v1/tenant/settings": ("putTenantSettings", "Change the tenant's settings"),
    "GET /v1/users": ("listUsers", "List console users"),
    "POST /v1/users": ("createUser", "Create a console user"),
    "PATCH /v1/users/{username}": ("changeUser", "Change a user's role, password or access"),
    "DELETE /v1/users/{username}/sessions": ("revokeUserSessions", "Sign a user out everywhere"),
    "GET /v1/api-keys": ("listApiKeys", "List API keys (never their tokens)"),
    "POST /v1/api-keys": ("createApiKey", "Issue an API key (its token shown once)"),
    "DELETE /v1/api-keys/{key_id}": ("revokeApiKey", "Revoke an API key"),
    # catalog
    "PUT /v1/zones/{zone_id}": ("putZone", "Create or change a zone"),
    "GET /v1/zones/{zone_id}": ("getZone", "One zone"),
    "GET /v1/zones": ("listZones", "List zones"),
    "PUT /v1/products/{product_id}": ("putProduct", "Create or change a product"),
    "GET /v1/products/{product_id}": ("getProduct", "One product"),
    "GET /v1/products": ("listProducts", "List products"),
    "PUT /v1/stores/{store_id}": ("putStore", "Create or change a store"),
    "GET /v1/stores/{store_id}": ("getStore", "One store"),
    "GET /v1/stores": ("listStores", "List stores"),
    # pools
    "GET /v1/pools": ("listPools", "List pools"),
    "POST /v1/pools": ("openPool", "Open a pool"),
    "GET /v1/pools/{pool_id}": ("getPool", "One pool: balance, points, price"),
    "PATCH /v1/pools/{pool_id}": ("configurePool", "Change a pool's parameters"),
    "POST /v1/pools/{pool_id}/pause": ("pausePool", "Stop minting in a pool"),
    "POST /v1/pools/{pool_id}/resume": ("resumePool", "Mint again in a pool"),
    "POST /v1/pools/{pool_id}/subsidies": ("subsidizePool", "Add the platform's money to a pool"),
    "POST /v1/pools/{pool_id}/imports": (
        "importBalance",
        "Import a member's old balance as a position, funded by the platform",
    ),
    "POST /v1/zones/{zone_id}/income": (
        "recordModeIncome",
        "Record a third party's income into a zone's mode's reserve",
    ),
    "GET /v1/pools/{pool_id}/history": ("getPoolHistory", "A pool's price day by day"),
    "GET /v1/pools/{pool_id}/chart": ("getPoolChart", "A pool's chart data for the console"),
    "GET /v1/solvency": ("getSolvency", "What the platform owes against what it holds"),
    # members
    "POST /v1/members": ("createMember", "Create a member"),
    "GET /v1/members": ("searchMembers", "Find members"),
    "GET /v1/members/{member_id}": ("getMember", "One member"),
    "PATCH /v1/members/{member_id}": ("changeMember", "Change a member"),
    "POST /v1/members/{member_id}/bind": ("bindMember", "Bind a member to a referrer"),
    "PUT /v1/members/{member_id}/referrer": (
        "reassignReferrer",
        "Move a member to another referrer",
    ),
    "PUT /v1/members/{member_id}/referees/referrer": (
        "reassignReferees",
        "Move all of a member's referees to another referrer",
    ),
    "GET /v1/members/{member_id}/network": ("getMemberNetwork", "A member's referral network"),
    "GET /v1/members/{member_id}/rewards": ("listMemberRewards", "A member's rewards"),
    "GET /v1/members/{member_id}/positions": ("listMemberPositions", "A member's points by pool"),
    "POST /v1/members/{member_id}/sell/quote": ("quoteSale", "What selling points would pay"),
    "POST /v1/members/{member_id}/sell": ("sellPoints", "Sell a member's points to the pool"),
    "POST /v1/members/{member_id}/tasks": ("completeTask", "Record a task a member did"),
    "GET /v1/members/{member_id}/modes": ("listMemberModes", "A member's holdings in the modes"),
    "GET /v1/members/{member_id}/wallet": ("getMemberWallet", "A member's wallet"),
    "GET /v1/members/{member_id}/wallet/history": (
        "getMemberWalletHistory",
        "A member's wallet, entry by entry",
    ),
    "GET /v1/members/{member_id}/wallet/debt-history": (
        "getMemberDebtHistory",
        "What a member owes, opened and settled",
    ),
    "POST /v1/members/{member_id}/withdrawals": ("requestWithdrawal", "Ask to withdraw money"),
    "POST /v1/members/{member_id}/page-token": ("issuePageToken", "A link to the member page"),
    "DELETE /v1/members/{member_id}/page-tokens": (
        "revokePageTokens",
        "End a member's page links",
    ),
    # orders
    "POST /v1/orders": ("createOrder", "Create an order (the same id again: the same answer)"),
    "GET /v1/orders": ("listOrders", "List orders"),
    "POST /v1/orders/batch": ("createOrders", "Create up to 500 orders at once"),
    "GET /v1/orders/{order_id}": ("getOrder", "One order"),
    "POST /v1/orders/{order_id}/pay": ("payOrder", "Mark an order paid"),
    "POST /v1/orders/{order_id}/complete": (
        "completeOrder",
        "Complete an order: points are minted",
    ),
    "POST /v1/orders/{order_id}/cancel": ("cancelOrder", "Cancel an unpaid order"),
    "POST /v1/orders/{order_id}/refund": ("refundOrder", "Refund an order before completion"),
    "POST /v1/orders/{order_id}/owed-back/returned": (
        "returnOwedBack",
        "Record a payment after the cancel as returned to the buyer",
    ),
    "POST /v1/orders/{order_id}/reverse": ("reverseOrder", "Reverse an order after completion"),
    # withdrawals and payments
    "GET /v1/withdrawals": ("listWithdrawals", "List withdrawals"),
    "GET /v1/withdrawals/{withdrawal_id}": ("getWithdrawal", "One withdrawal"),
    "POST /v1/withdrawals/{withdrawal_id}/approve": ("approveWithdrawal", "Approve a withdrawal"),
    "POST /v1/withdrawals/{withdrawal_id}/reject": ("rejectWithdrawal", "Reject a withdrawal"),
    "POST /v1/withdrawals/{withdrawal_id}/paid": ("markWithdrawalPaid", "Record a withdrawal paid"),
    "POST /v1/withdrawals/{withdrawal_id}/payout": (
        "requestPayout",
        "Ask the payout gateway to pay a withdrawal",
    ),
    "GET /v1/withdrawals/{withdrawal_id}/payout": (
        "getPayout",
        "A withdrawal's transfer at WeChat Pay or Alipay",
    ),
    "POST /v1/withdrawals/{withdrawal_id}/payout/reconcile": (
        "reconcilePayout",
        "Ask WeChat Pay or Alipay what became of a transfer",
    ),
    "POST /v1/withdrawals/{withdrawal_id}/payout/cancel": (
        "cancelPayout",
        "Withdraw a WeChat Pay transfer its payee has not confirmed",
    ),
    "POST /v1/orders/{order_id}/checkout": (
        "checkoutOrder",
        "A QR-code payment of an order at WeChat Pay or Alipay",
    ),
    "PUT /v1/members/{member_id}/payee": ("putPayee", "Set where a member's withdrawals are paid"),
    "GET /v1/members/{member_id}/payee": ("getPayee", "A member's payee, masked"),
    "POST /v1/payments/adapter/certificates": (
        "refreshPlatformCertificates",
        "Pin WeChat Pay's current platform certificates",
    ),
    "GET /v1/payments/adapter": ("getPaymentAdapter", "The payment gateway in use"),
    "PUT /v1/payments/adapter": ("putPaymentAdapter", "Choose and set up the payment gateway"),
    "GET /v1/payments/notifications": ("listPaymentNotifications", "Gateway notifications taken"),
    "GET /v1/payments/refusals": ("listPaymentRefusals", "Gateway notifications refused"),
    "POST /v1/gateway/{tenant_id}/notifications": (
        "receiveGatewayNotification",
        "A payment gateway's notification (signed by the gateway)",
    ),
    # distribution
    "GET /v1/distribution": ("getDistribution", "The distribution settings"),
    "PUT /v1/distribution": ("putDistribution", "Change the distribution settings"),
    "POST /v1/contribution/conversions": (
        "convertContributions",
        "Convert contribution balances into cash, shares or points",
    ),
    "POST /v1/agents": ("grantAgent", "Make a member an agent"),
    "GET /v1/agents": ("listAgents", "List agents"),
    # audit
    "GET /v1/audit-log": ("listAuditLog", "Who did what, when"),
    "GET /v1/ledger/check": ("checkLedger", "Rebuild the balances from the journal and compare"),
    # webhooks
    "GET /v1/webhooks": ("listWebhooks", "List webhook subscriptions"),
    "POST /v1/webhooks": ("createWebhook", "Subscribe a URL to events"),
    "GET /v1/webhooks/{subscription_id}": ("getWebhook", "One webhook subscription"),
    "PATCH /v1/webhooks/{subscription_id}": ("changeWebhook", "Change a webhook subscription"),
    "DELETE /v1/webhooks/{subscription_id}": ("deleteWebhook", "Delete a webhook subscription"),
    "GET /v1/webhooks/{subscription_id}/deliveries": (
        "listWebhookDeliveries",
        "A subscription's deliveries",
    ),
    "GET /v1/webhooks/{subscription_id}/deliveries/{event_id}": (
        "getWebhookDelivery",
        "One delivery and its attempts",
    ),
    "POST /v1/webhooks/{subscription_id}/deliveries/{event_id}/replay": (
        "replayWebhookDelivery",
        "Send a delivery again",
    ),
    "POST /v1/webhooks/{subscription_id}/ping": ("pingWebhook", "Send a test event (ping)"),
    "GET /v1/webhook-events": ("listWebhookEvents", "The events webhooks can carry"),
    # configuration
    "GET /v1/config": ("getConfig", "The live configuration"),
    "GET /v1/config/lint": ("lintConfig", "What the live configuration risks"),
    "POST /v1/config/lint": ("lintProposal", "What a proposed configuration risks"),
    "POST /v1/backtest": ("backtest", "Replay the history under a proposed configuration"),
    "POST /v1/dry-runs": ("startDryRun", "Simulate a proposed configuration (in the background)"),
    "GET /v1/dry-runs/{run_id}": ("getDryRun", "A dry run's progress and result"),
    "GET /v1/activity": ("getActivity", "Today's figures for the console"),
    # the member page (a member's own token)
    "POST /v1/me/logout": ("memberLogout", "End this member page link"),
    "GET /v1/me": ("getMe", "The member's own summary"),
    "GET /v1/me/positions": ("listMyPositions", "The member's points by pool"),
    "GET /v1/me/modes": ("listMyModes", "The member's holdings in the modes"),
    "GET /v1/me/wallet": ("getMyWallet", "The member's wallet"),
    "GET /v1/me/wallet/history": ("getMyWalletHistory", "The member's wallet, entry by entry"),
    "GET /v1/me/wallet/debt-history": (
        "getMyDebtHistory",
        "What the member owes, opened and settled",
    ),
    "POST /v1/me/sell/quote": ("quoteMySale", "What selling points would pay"),
    "POST /v1/me/sell": ("sellMyPoints", "Sell the member's points"),
    "GET /v1/me/withdrawals": ("listMyWithdrawals", "The member's withdrawals"),
    "POST /v1/me/withdrawals": ("withdrawMine", "Ask to withdraw the member's money"),
    "GET /v1/me/withdrawals/{withdrawal_id}/confirmation": (
        "getMyTransferToConfirm",
        "What confirms receiving a WeChat Pay transfer",
    ),
    "POST /v1/me/withdrawals/quote": ("quoteMyWithdrawal", "What a withdrawal would pay"),
}
