"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .activity import Activity
from .ad_task import AdTask
from .adapter_in import AdapterIn
from .adapter_in_adapter import AdapterInAdapter
from .adapter_view import AdapterView
from .ads_config import AdsConfig
from .ads_config_agents import AdsConfigAgents
from .ads_config_agents_mode import AdsConfigAgentsMode
from .ads_config_rule import AdsConfigRule
from .agent_view import AgentView
from .agents_config import AgentsConfig
from .agents_config_areas import AgentsConfigAreas
from .agents_config_mode import AgentsConfigMode
from .agents_config_pay_in import AgentsConfigPayIn
from .agents_config_rates import AgentsConfigRates
from .alipay_config import AlipayConfig
from .api_key_view import ApiKeyView
from .attempt_view import AttemptView
from .audit_entry import AuditEntry
from .audit_report import AuditReport
from .backtest import Backtest
from .backtest_request import BacktestRequest
from .backtest_request_config import BacktestRequestConfig
from .backtest_totals import BacktestTotals
from .batch_item import BatchItem
from .batch_item_error_type_0 import BatchItemErrorType0
from .binding import Binding
from .campaign_config import CampaignConfig
from .changed_user import ChangedUser
from .checkout_view import CheckoutView
from .claim_view import ClaimView
from .commission_config import CommissionConfig
from .commission_config_pay_in import CommissionConfigPayIn
from .compared import Compared
from .complete_task_response_complete_task_v1_members_member_id_tasks_post import (
    CompleteTaskResponseCompleteTaskV1MembersMemberIdTasksPost,
)
from .conversion import Conversion
from .conversion_into import ConversionInto
from .converted import Converted
from .delivery_view import DeliveryView
from .difference import Difference
from .distribution_config import DistributionConfig
from .distribution_config_binding import DistributionConfigBinding
from .distribution_config_overflow import DistributionConfigOverflow
from .dividend_config import DividendConfig
from .dividend_config_funding import DividendConfigFunding
from .dividend_config_schedule import DividendConfigSchedule
from .dividend_config_split import DividendConfigSplit
from .dry_run_view import DryRunView
from .dry_run_view_about import DryRunViewAbout
from .dry_run_view_config import DryRunViewConfig
from .error import Error
from .finding import Finding
from .get_config_response_get_config_v1_config_get import GetConfigResponseGetConfigV1ConfigGet
from .green_config import GreenConfig
from .health_response_health_health_get import HealthResponseHealthHealthGet
from .import_balance_response_200 import ImportBalanceResponse200
from .import_balance_response_import_balance_v1_pools_pool_id_imports_post import (
    ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost,
)
from .import_request import ImportRequest
from .income_request import IncomeRequest
from .limits_config import LimitsConfig
from .line_in import LineIn
from .line_in_modes_type_0 import LineInModesType0
from .line_view import LineView
from .lint_report import LintReport
from .list_orders_status import ListOrdersStatus
from .list_webhook_deliveries_status import ListWebhookDeliveriesStatus
from .list_withdrawals_status import ListWithdrawalsStatus
from .login import Login
from .me import Me
from .me_pool_names import MePoolNames
from .member_change import MemberChange
from .member_effect import MemberEffect
from .member_page_settings import MemberPageSettings
from .member_page_settings_pool_names import MemberPageSettingsPoolNames
from .member_view import MemberView
from .member_withdrawal_request import MemberWithdrawalRequest
from .mode_holding import ModeHolding
from .mode_solvency import ModeSolvency
from .modes_config import ModesConfig
from .movement import Movement
from .movement_params import MovementParams
from .network import Network
from .new_agent import NewAgent
from .new_api_key import NewApiKey
from .new_member import NewMember
from .new_order import NewOrder
from .new_order_modes_type_0 import NewOrderModesType0
from .new_pool import NewPool
from .new_tenant import NewTenant
from .new_user import NewUser
from .notification_view import NotificationView
from .notification_view_body import NotificationViewBody
from .order_batch import OrderBatch
from .order_view import OrderView
from .order_view_points import OrderViewPoints
from .owed_back_return import OwedBackReturn
from .owed_back_returned import OwedBackReturned
from .page_token import PageToken
from .page_token_request import PageTokenRequest
from .payee_in import PayeeIn
from .payee_in_method import PayeeInMethod
from .payee_view import PayeeView
from .payout_view import PayoutView
from .pool_comparison import PoolComparison
from .pool_params_in import PoolParamsIn
from .pool_solvency import PoolSolvency
from .pool_view import PoolView
from .pool_view_params import PoolViewParams
from .position_view import PositionView
from .price_chart import PriceChart
from .price_point import PricePoint
from .product_in import ProductIn
from .product_in_modes import ProductInModes
from .product_view import ProductView
from .product_view_modes import ProductViewModes
from .progress import Progress
from .proposal import Proposal
from .proposal_config import ProposalConfig
from .quota_config import QuotaConfig
from .reason import Reason
from .reassignment import Reassignment
from .record_mode_income_response_record_income_v1_zones_zone_id_income_post import (
    RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost,
)
from .recruiter_config import RecruiterConfig
from .recruiter_config_pay_in import RecruiterConfigPayIn
from .refer_three_config import ReferThreeConfig
from .refer_three_config_base import ReferThreeConfigBase
from .refer_three_config_count import ReferThreeConfigCount
from .referee import Referee
from .referees_moved import RefereesMoved
from .refusal_view import RefusalView
from .request_withdrawal_response_200 import RequestWithdrawalResponse200
from .request_withdrawal_response_request_withdrawal_v1_members_member_id_withdrawals_post import (
    RequestWithdrawalResponseRequestWithdrawalV1MembersMemberIdWithdrawalsPost,
)
from .requires_config import RequiresConfig
from .revoked import Revoked
from .revoked_tokens import RevokedTokens
from .reward_view import RewardView
from .role import Role
from .sale_quote_request import SaleQuoteRequest
from .sale_request import SaleRequest
from .sale_view import SaleView
from .sample import Sample
from .sell_points_response_sell_v1_members_member_id_sell_post import SellPointsResponseSellV1MembersMemberIdSellPost
from .sell_request import SellRequest
from .session import Session
from .severity import Severity
from .shopping_config import ShoppingConfig
from .skipped import Skipped
from .solvency import Solvency
from .split_in import SplitIn
from .store_in import StoreIn
from .store_view import StoreView
from .subscription_change import SubscriptionChange
from .subscription_in import SubscriptionIn
from .subscription_view import SubscriptionView
from .subsidize_pool_response_subsidize_v1_pools_pool_id_subsidies_post import (
    SubsidizePoolResponseSubsidizeV1PoolsPoolIdSubsidiesPost,
)
from .subsidy_request import SubsidyRequest
from .tally import Tally
from .task_done import TaskDone
from .team_config import TeamConfig
from .team_config_pay_in import TeamConfigPayIn
from .team_level_config import TeamLevelConfig
from .tenant_settings import TenantSettings
from .tenant_view import TenantView
from .three_for_one_config import ThreeForOneConfig
from .tier_config import TierConfig
from .transfer_to_confirm import TransferToConfirm
from .union_config import UnionConfig
from .user_change import UserChange
from .user_view import UserView
from .wallet_view import WalletView
from .webhook_event_view import WebhookEventView
from .wechat_config import WechatConfig
from .withdrawal_decision import WithdrawalDecision
from .withdrawal_quote import WithdrawalQuote
from .withdrawal_quote_request import WithdrawalQuoteRequest
from .withdrawal_request import WithdrawalRequest
from .withdrawal_settings import WithdrawalSettings
from .withdrawal_view import WithdrawalView
from .zone_in import ZoneIn
from .zone_view import ZoneView

__all__ = (
    "Accepted",
    "Activity",
    "AdapterIn",
    "AdapterInAdapter",
    "AdapterView",
    "AdsConfig",
    "AdsConfigAgents",
    "AdsConfigAgentsMode",
    "AdsConfigRule",
    "AdTask",
    "AgentsConfig",
    "AgentsConfigAreas",
    "AgentsConfigMode",
    "AgentsConfigPayIn",
    "AgentsConfigRates",
    "AgentView",
    "AlipayConfig",
    "ApiKeyView",
    "AttemptView",
    "AuditEntry",
    "AuditReport",
    "Backtest",
    "BacktestRequest",
    "BacktestRequestConfig",
    "BacktestTotals",
    "BatchItem",
    "BatchItemErrorType0",
    "Binding",
    "CampaignConfig",
    "ChangedUser",
    "CheckoutView",
    "ClaimView",
    "CommissionConfig",
    "CommissionConfigPayIn",
    "Compared",
    "CompleteTaskResponseCompleteTaskV1MembersMemberIdTasksPost",
    "Conversion",
    "ConversionInto",
    "Converted",
    "DeliveryView",
    "Difference",
    "DistributionConfig",
    "DistributionConfigBinding",
    "DistributionConfigOverflow",
    "DividendConfig",
    "DividendConfigFunding",
    "DividendConfigSchedule",
    "DividendConfigSplit",
    "DryRunView",
    "DryRunViewAbout",
    "DryRunViewConfig",
    "Error",
    "Finding",
    "GetConfigResponseGetConfigV1ConfigGet",
    "GreenConfig",
    "HealthResponseHealthHealthGet",
    "ImportBalanceResponse200",
    "ImportBalanceResponseImportBalanceV1PoolsPoolIdImportsPost",
    "ImportRequest",
    "IncomeRequest",
    "LimitsConfig",
    "LineIn",
    "LineInModesType0",
    "LineView",
    "LintReport",
    "ListOrdersStatus",
    "ListWebhookDeliveriesStatus",
    "ListWithdrawalsStatus",
    "Login",
    "Me",
    "MemberChange",
    "MemberEffect",
    "MemberPageSettings",
    "MemberPageSettingsPoolNames",
    "MemberView",
    "MemberWithdrawalRequest",
    "MePoolNames",
    "ModeHolding",
    "ModesConfig",
    "ModeSolvency",
    "Movement",
    "MovementParams",
    "Network",
    "NewAgent",
    "NewApiKey",
    "NewMember",
    "NewOrder",
    "NewOrderModesType0",
    "NewPool",
    "NewTenant",
    "NewUser",
    "NotificationView",
    "NotificationViewBody",
    "OrderBatch",
    "OrderView",
    "OrderViewPoints",
    "OwedBackReturn",
    "OwedBackReturned",
    "PageToken",
    "PageTokenRequest",
    "PayeeIn",
    "PayeeInMethod",
    "PayeeView",
    "PayoutView",
    "PoolComparison",
    "PoolParamsIn",
    "PoolSolvency",
    "PoolView",
    "PoolViewParams",
    "PositionView",
    "PriceChart",
    "PricePoint",
    "ProductIn",
    "ProductInModes",
    "ProductView",
    "ProductViewModes",
    "Progress",
    "Proposal",
    "ProposalConfig",
    "QuotaConfig",
    "Reason",
    "Reassignment",
    "RecordModeIncomeResponseRecordIncomeV1ZonesZoneIdIncomePost",
    "RecruiterConfig",
    "RecruiterConfigPayIn",
    "Referee",
    "RefereesMoved",
    "ReferThreeConfig",
    "ReferThreeConfigBase",
    "ReferThreeConfigCount",
    "RefusalView",
    "RequestWithdrawalResponse200",
    "RequestWithdrawalResponseRequestWithdrawalV1MembersMemberIdWithdrawalsPost",
    "RequiresConfig",
    "Revoked",
    "RevokedTokens",
    "RewardView",
    "Role",
    "SaleQuoteRequest",
    "SaleRequest",
    "SaleView",
    "Sample",
    "SellPointsResponseSellV1MembersMemberIdSellPost",
    "SellRequest",
    "Session",
    "Severity",
    "ShoppingConfig",
    "Skipped",
    "Solvency",
    "SplitIn",
    "StoreIn",
    "StoreView",
    "SubscriptionChange",
    "SubscriptionIn",
    "SubscriptionView",
    "SubsidizePoolResponseSubsidizeV1PoolsPoolIdSubsidiesPost",
    "SubsidyRequest",
    "Tally",
    "TaskDone",
    "TeamConfig",
    "TeamConfigPayIn",
    "TeamLevelConfig",
    "TenantSettings",
    "TenantView",
    "ThreeForOneConfig",
    "TierConfig",
    "TransferToConfirm",
    "UnionConfig",
    "UserChange",
    "UserView",
    "WalletView",
    "WebhookEventView",
    "WechatConfig",
    "WithdrawalDecision",
    "WithdrawalQuote",
    "WithdrawalQuoteRequest",
    "WithdrawalRequest",
    "WithdrawalSettings",
    "WithdrawalView",
    "ZoneIn",
    "ZoneView",
)
