"""The dossier status machine: the national list 1–10 (PROTOCOL.md §1.5) and the steps that move it.

The national codes are the states; refportal shows its own labels (API.md). The allowed
transitions are exactly the national ones, and each step says from which states it may start.
"""
from __future__ import annotations

from dataclasses import dataclass

from refportal import defects

MOI_DANG_KY = 1
DA_TIEP_NHAN = 2
TU_CHOI = 3
DANG_GIAI_QUYET = 4
CHO_BO_SUNG = 5
CHO_NGHIA_VU_TAI_CHINH = 6
DA_RUT = 7
DUNG_XU_LY = 8
DA_CO_KET_QUA = 9
DA_TRA_KET_QUA = 10

LABELS = {
    MOI_DANG_KY: "Mới đăng ký",
    DA_TIEP_NHAN: "Đã tiếp nhận",
    TU_CHOI: "Từ chối tiếp nhận",
    DANG_GIAI_QUYET: "Đang giải quyết",
    CHO_BO_SUNG: "Chờ bổ sung hồ sơ",
    CHO_NGHIA_VU_TAI_CHINH: "Chờ thực hiện nghĩa vụ tài chính",
    DA_RUT: "Đã rút hồ sơ",
    DUNG_XU_LY: "Dừng xử lý",
    DA_CO_KET_QUA: "Đã có kết quả",
    DA_TRA_KET_QUA: "Đã trả kết quả",
}

# PROTOCOL.md §1.5, verbatim.
ALLOWED: dict[int, frozenset[int]] = {
    1: frozenset({2, 3, 7}),
    2: frozenset({4, 5, 6, 7, 8}),
    4: frozenset({5, 6, 7, 8, 9}),
    5: frozenset({2, 4, 7, 8}),
    6: frozenset({4, 9, 7, 8}),
    9: frozenset({10, 6}),
}
FINAL = frozenset({TU_CHOI, DA_RUT, DUNG_XU_LY, DA_TRA_KET_QUA})
RESOLVED = frozenset({DA_CO_KET_QUA, DA_TRA_KET_QUA})


class TransitionNotAllowed(Exception):
    def __init__(self, step: str, current: int):
        self.step, self.current = step, current
        super().__init__(
            f"Không thể thực hiện bước '{step}' khi hồ sơ đang ở trạng thái '{LABELS[current]}' — "
            f"step '{step}' is not allowed from status {current}")


@dataclass(frozen=True)
class Step:
    name: str
    roles: frozenset[str]          # who may take it ("owner" = the dossier's applicant account)
    from_states: frozenset[int]
    to_state: int | None           # None: the target depends on where the dossier came from
    action: str                    # the history line, Vietnamese


def _step(name, roles, from_states, to_state, action):
    return Step(name, frozenset(roles), frozenset(from_states), to_state, action)


STEPS: dict[str, Step] = {s.name: s for s in (
    _step("submit", {"citizen", "business"}, (), MOI_DANG_KY, "Nộp hồ sơ trực tuyến"),
    _step("receive", {"receiving_officer"}, {1}, DA_TIEP_NHAN, "Tiếp nhận hồ sơ"),
    _step("refuse", {"receiving_officer"}, {1}, TU_CHOI, "Từ chối tiếp nhận hồ sơ"),
    _step("request-supplement", {"receiving_officer", "specialist"}, {2, 4}, CHO_BO_SUNG,
          "Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    # back to where the dossier was when the supplement was asked for (2 or 4)
    _step("supplement", {"owner"}, {5}, None, "Bổ sung hồ sơ"),
    _step("process", {"specialist"}, {2}, DANG_GIAI_QUYET, "Thụ lý, giải quyết hồ sơ"),
    _step("request-payment", {"specialist"}, {2, 4, 9}, CHO_NGHIA_VU_TAI_CHINH,
          "Yêu cầu thực hiện nghĩa vụ tài chính"),
    # back to 4, or to 9 when the fee was asked for after the result
    _step("payment-confirmed", {"payment_platform"}, {6}, None, "Đã thanh toán phí, lệ phí trực tuyến"),
    _step("approve", {"leader"}, {4}, DA_CO_KET_QUA, "Phê duyệt kết quả giải quyết"),
    _step("return", {"receiving_officer"}, {9}, DA_TRA_KET_QUA, "Trả kết quả giải quyết"),
    _step("withdraw", {"owner"}, {1, 2, 4, 5, 6}, DA_RUT, "Công dân rút hồ sơ"),
    _step("stop", {"specialist"}, {2, 4, 5, 6}, DUNG_XU_LY, "Dừng xử lý hồ sơ"),
)}


def label(code: int) -> str:
    return LABELS[code]


def code_of_label(text: str) -> int | None:
    for code, name in LABELS.items():
        if name == text:
            return code
    return None


def is_allowed(current: int, target: int) -> bool:
    return target in ALLOWED.get(current, frozenset())


def target_of(step_name: str, current: int, came_from: int | None = None) -> int:
    """The status `step_name` leads to from `current`; raises TransitionNotAllowed."""
    step = STEPS[step_name]
    if step_name == "approve" and current == DA_TIEP_NHAN and defects.on("approve-unprocessed"):
        return DA_CO_KET_QUA  # DEFECT: the leader approves a dossier nobody has processed
    if current not in step.from_states:
        raise TransitionNotAllowed(step_name, current)
    target = step.to_state
    if target is None:
        if step_name == "supplement":
            target = came_from if came_from in (DA_TIEP_NHAN, DANG_GIAI_QUYET) else DA_TIEP_NHAN
        else:  # payment-confirmed
            target = came_from if came_from == DA_CO_KET_QUA else DANG_GIAI_QUYET
    if not is_allowed(current, target):  # the step table never contradicts §1.5; keep it honest
        raise TransitionNotAllowed(step_name, current)
    return target
