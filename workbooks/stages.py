"""Escalation stages, channels and outcomes from ``templates/rules/stages.yaml``, and how each stage's next
action due date is counted for a given payer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from udfs.errors import TemplateError
from udfs.payers import PayerProfile
from udfs.reference import load_yaml

STAGES_FILE = "rules/stages.yaml"


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    applies_to: str
    rule: str | None  # deadline rule of the next action due, counted from a log entry's date
    days: str | int | None  # count, or payer.<field>
    duration_days: float | None = None
    cost: float | None = None
    probability: float | None = None
    share: float | None = None
    source: str = ""


@cache
def stage_table() -> tuple[Stage, ...]:
    data = load_yaml(STAGES_FILE)
    out = []
    for s in data["stages"]:
        nd = s.get("next_due") or {}
        out.append(
            Stage(
                id=s["id"],
                label=s["label"],
                applies_to=s["applies_to"],
                rule=nd.get("rule"),
                days=nd.get("days"),
                duration_days=s.get("duration_days"),
                cost=s.get("cost"),
                probability=s.get("probability"),
                share=s.get("share"),
                source=" ".join(str(s.get("source", "")).split()),
            )
        )
    return tuple(out)


def labels() -> list[str]:
    return [s.label for s in stage_table()]


def lists() -> dict[str, list[str]]:
    """The drop-down lists of the log: channels, outcomes, and the success/decided outcome sets."""
    data = load_yaml(STAGES_FILE)
    return {k: list(data[k]) for k in ("channels", "outcomes", "success_outcomes", "decided_outcomes")}


#: Names of the Assumptions cells holding payer-specific counts, by payer profile field.
PAYER_DAY_NAMES = {
    "timely_filing_days": "TimelyFilingDays",
    "appeal_window_days": "AppealWindowDays",
    "reconsideration_response_days": "ReconResponseDays",
    "peer_to_peer_follow_up_days": "P2PFollowUpDays",
    "appeal_decision_days": "AppealDecisionDays",
}


def payer_days(profile: PayerProfile) -> dict[str, int]:
    """The payer-specific day counts stages refer to (``payer.<field>``), by field."""
    return {
        "timely_filing_days": profile.timely_filing_days,
        "appeal_window_days": profile.appeal_window_days,
        "reconsideration_response_days": profile.reconsideration_response_days,
        "peer_to_peer_follow_up_days": profile.peer_to_peer_follow_up_days,
        # 29 CFR 2560.503-1(i)(2)(iii): 60 days for one level, 30 per level with two
        "appeal_decision_days": 60 if profile.appeal_levels <= 1 else 30,
    }


def stage_days(stage: Stage, profile: PayerProfile) -> tuple[int | None, str | None]:
    """(count, name of the Assumptions cell holding it) of a stage's next-due rule."""
    if stage.days is None:
        return None, None
    if isinstance(stage.days, int):
        return stage.days, None
    if isinstance(stage.days, str) and stage.days.startswith("payer."):
        field = stage.days.removeprefix("payer.")
        values = payer_days(profile)
        if field not in values:
            raise TemplateError(f"{STAGES_FILE}: {stage.id}: unknown payer field {field}")
        return values[field], PAYER_DAY_NAMES[field]
    raise TemplateError(
        f"{STAGES_FILE}: {stage.id}: days must be a number or payer.<field>, got {stage.days!r}"
    )
