from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backtest import Backtest
    from ..models.dry_run_view_about import DryRunViewAbout
    from ..models.dry_run_view_config import DryRunViewConfig
    from ..models.lint_report import LintReport
    from ..models.progress import Progress


T = TypeVar("T", bound="DryRunView")


@_attrs_define
class DryRunView:
    """
    Attributes:
        id (str):
        started_at (datetime.datetime):
        status (str):
        about (DryRunViewAbout):
        config (DryRunViewConfig):
        lint (LintReport):
        result (Backtest | None | Unset):
        error (None | str | Unset):
        progress (None | Progress | Unset):
    """

    id: str
    started_at: datetime.datetime
    status: str
    about: DryRunViewAbout
    config: DryRunViewConfig
    lint: LintReport
    result: Backtest | None | Unset = UNSET
    error: None | str | Unset = UNSET
    progress: None | Progress | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.backtest import Backtest  # noqa: PLC0415
        from ..models.progress import Progress  # noqa: PLC0415

        id = self.id

        started_at = self.started_at.isoformat()

        status = self.status

        about = self.about.to_dict()

        config = self.config.to_dict()

        lint = self.lint.to_dict()

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, Backtest):
            result = self.result.to_dict()
        else:
            result = self.result

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        progress: dict[str, Any] | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        elif isinstance(self.progress, Progress):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "started_at": started_at,
                "status": status,
                "about": about,
                "config": config,
                "lint": lint,
            }
        )
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error
        if progress is not UNSET:
            field_dict["progress"] = progress

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest import Backtest  # noqa: PLC0415
        from ..models.dry_run_view_about import DryRunViewAbout  # noqa: PLC0415
        from ..models.dry_run_view_config import DryRunViewConfig  # noqa: PLC0415
        from ..models.lint_report import LintReport  # noqa: PLC0415
        from ..models.progress import Progress  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        status = d.pop("status")

        about = DryRunViewAbout.from_dict(d.pop("about"))

        config = DryRunViewConfig.from_dict(d.pop("config"))

        lint = LintReport.from_dict(d.pop("lint"))

        def _parse_result(data: object) -> Backtest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = Backtest.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Backtest | None | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_progress(data: object) -> None | Progress | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = Progress.from_dict(data)

                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Progress | Unset, data)

        progress = _parse_progress(d.pop("progress", UNSET))

        dry_run_view = cls(
            id=id,
            started_at=started_at,
            status=status,
            about=about,
            config=config,
            lint=lint,
            result=result,
            error=error,
            progress=progress,
        )

        dry_run_view.additional_properties = d
        return dry_run_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
