"""Year-over-year wording: "减少2.35万元", "增加X万元，增长Y%", "持平".

The difference is taken between the figures as printed (each rounded to 0.01 万元, 四舍五入), so a reader
who subtracts the two printed figures finds the printed difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import cn2an

from budget_xl.narrative.amounts import PERCENT, ZERO, Amount, CellText
from budget_xl.rounding import gap_is_rounding
from budget_xl.units import round2

UP, DOWN, SAME = "增加", "减少", "持平"
RISE = {UP: "增长", DOWN: "下降"}


@dataclass(frozen=True)
class Change:
    """This year's figure against last year's; ``prior`` None means last year's figure is unknown."""

    label: str
    current: Amount
    prior: Amount | None
    reason: CellText = CellText("")
    reason_item: str = ""  # the 说明文字 item the reason comes from

    @property
    def known(self) -> bool:
        return self.prior is not None

    @property
    def difference(self) -> Decimal | None:
        """Signed, between the printed figures."""
        if self.prior is None:
            return None
        return round2(self.current.value or ZERO) - round2(self.prior.value or ZERO)

    @property
    def zero(self) -> bool:
        return self.difference == 0

    @property
    def word(self) -> str:
        d = self.difference
        if d is None:
            return ""
        return UP if d > 0 else DOWN if d < 0 else SAME

    @property
    def rise_word(self) -> str:
        return RISE.get(self.word, "")

    @property
    def delta(self) -> Amount:
        """|difference| in 万元, traced to both figures."""
        self._require_known()
        return Amount(abs(self.difference), ("absdelta", self.current.recipe, self.prior.recipe),
                      f"{self.label}增减额")

    @property
    def pct(self) -> Amount | None:
        """|difference| / last year, in percent; None when last year was zero."""
        self._require_known()
        prev = round2(self.prior.value or ZERO)
        if prev == 0:
            return None
        return Amount(abs(self.difference) / prev * 100, ("pct", self.current.recipe, self.prior.recipe),
                      f"{self.label}增减幅度", unit=PERCENT)

    def _require_known(self) -> None:
        if self.prior is None:
            raise ValueError(f"“{self.label}”的上年数未知，不能比较（模板中请先用 {{% if … .known %}} 判断）")


def ordinal(n: int) -> str:
    """1 → 一, 11 → 十一 (for 一、 and （一） numbering)."""
    return cn2an.an2cn(int(n))


def additivity_notes(changes: dict[str, Change], prior_label: str) -> list[str]:
    """Δ总 = Δ基本 + Δ项目, Δ基本 = Δ人员 + Δ公用, Δ三公 = Σ items: say where printed differences don't add up."""
    groups = (("total", ("basic", "project")), ("basic", ("person", "public")),
              ("sangong", ("abroad", "car", "recep")), ("car", ("car_buy", "car_run")))
    notes = []
    for whole, parts in groups:
        items = [changes.get(k) for k in (whole, *parts)]
        if not all(c is not None and c.known for c in items):
            continue
        w, *ps = items
        s = sum((p.difference for p in ps), ZERO)
        if w.difference != s:
            names = "、".join(p.label for p in ps)
            gap = abs(w.difference - s)
            # each difference involves two printed figures (this year's and last year's)
            why = "多为尾差" if gap_is_rounding(gap, 2 * (len(ps) + 1)) else "超出尾差，应是某个数有误"
            notes.append(f"比上年增减额对不上：{w.label}{_signed(w.difference)}万元，而{names}的增减额之和为"
                         f"{_signed(s)}万元（相差{gap:.2f}万元，{why}）。"
                         f"请核对{prior_label}和本年各表的合计数。")
    return notes


def _signed(d: Decimal) -> str:
    return f"{UP if d > 0 else DOWN if d < 0 else ''}{abs(d):.2f}" if d else "0.00"
