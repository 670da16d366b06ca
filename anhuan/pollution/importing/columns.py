"""Locating the header of a reduction list and mapping its columns by their labels.

The header is the row that names both 企业名称 and 统一社会信用代码; it may sit below a title
and a filing row. Under the three warning-level groups (黄色预警, 橙色预警, 红色预警) a second
header row names the sub-columns 措施类型, 限产比例（%） and 具体措施. A file may instead write
both parts in one cell ("黄色预警措施类型"). Labels match after dropping white space and line
breaks, folding full-width characters (so （%） equals (%)) and dropping "*" marks, and each
column accepts the few other names offices use for it.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from anhuan.pollution.importing.errors import RowError
from anhuan.pollution.models.choices import WarningLevel

# How far down the sheet the header may start.
HEADER_SEARCH_ROWS = 50


def normalise_label(value):
    """Return a header label reduced to what matching compares."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).strip("*★").lower()


def display_label(value):
    """Return a header label as the file writes it, without its line breaks and spaces."""
    return "".join(str(value or "").split())


@dataclass(frozen=True)
class ColumnSpec:
    """A column the importer reads: its key, its canonical label and the other accepted labels."""

    key: str
    label: str
    aliases: tuple = ()
    required: bool = True

    def __post_init__(self):
        names = frozenset(normalise_label(name) for name in (self.label, *self.aliases))
        object.__setattr__(self, "_names", names)

    def accepts(self, normalised):
        return normalised in self._names


PLAIN_COLUMNS = [
    ColumnSpec("sequence", "序号", ("编号",), required=False),
    ColumnSpec("region", "县（市、区）", ("县（市区）", "县市区", "区县", "县区", "所在区县", "所属区县", "行政区划")),
    ColumnSpec("name", "企业名称", ("单位名称", "企业（单位）名称")),
    ColumnSpec("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码")),
    ColumnSpec("industry_name", "行业类别", ("行业", "所属行业", "行业名称"), required=False),
    ColumnSpec("industry_code", "国民经济行业代码", ("行业代码", "国民经济行业分类代码"), required=False),
    ColumnSpec("grade", "绩效等级", ("环保绩效等级", "绩效分级", "绩效级别")),
    ColumnSpec("category", "管控类别", ("企业类别", "管控类型", "企业类型")),
    ColumnSpec("whitelisted", "是否纳入白名单", ("白名单", "是否白名单", "是否纳入正面清单", "正面清单")),
    ColumnSpec(
        "non_interruptible", "是否含不可中断工序", ("不可中断工序", "是否不可中断", "是否为不可中断企业", "是否含不可中断生产工序")
    ),
    ColumnSpec("production_line", "生产线/工序", ("生产线", "工序", "生产线或工序", "生产线（工序）", "生产线、工序")),
    ColumnSpec("products_capacity", "主要产品及产能", ("主要产品及规模", "产品及产能", "主要产品"), required=False),
    ColumnSpec(
        "safe_shutdown_hours",
        "安全停车所需时间（小时）",
        ("安全停车所需时间", "安全停车时间（小时）", "停车所需时间（小时）", "安全停车所需时长（小时）"),
    ),
    ColumnSpec("shutdown_risk", "停限产安全风险", ("停（限）产安全风险", "停限产风险", "停（限）产风险", "安全风险")),
    ColumnSpec("contact_name", "联系人", ("企业联系人",), required=False),
    ColumnSpec("contact_phone", "联系电话", ("电话", "联系方式"), required=False),
    ColumnSpec("remark", "备注", (), required=False),
]

_PLAIN_BY_KEY = {spec.key: spec for spec in PLAIN_COLUMNS}

LEVEL_LABELS = {WarningLevel.YELLOW: "黄色预警", WarningLevel.ORANGE: "橙色预警", WarningLevel.RED: "红色预警"}
_LEVEL_RE = re.compile(
    r"^(?P<colour>黄|橙|红)色?(?:预警)?(?:\((?:iii|ii|i|三|二|一)级\))?(?:预警|响应)?(?:期间)?(?:应急)?(?:减排)?(?:措施)?$"
)
_COLOURS = {"黄": WarningLevel.YELLOW, "橙": WarningLevel.ORANGE, "红": WarningLevel.RED}

SUB_COLUMNS = [
    ColumnSpec("measure", "措施类型", ("措施类别", "减排措施类型", "管控措施类型")),
    ColumnSpec("limit_percent", "限产比例（%）", ("限产比例", "限产比例%", "限产幅度（%）", "限产比例（％）")),
    ColumnSpec("detail", "具体措施", ("措施内容", "具体减排措施", "减排措施"), required=False),
]

ALL_SPECS = [(spec.key, spec) for spec in PLAIN_COLUMNS] + [
    (f"{level}_{sub.key}", sub) for level in LEVEL_LABELS for sub in SUB_COLUMNS
]


def level_of(normalised):
    """Return the warning level a group label names, or None."""
    match = _LEVEL_RE.match(normalised)
    return _COLOURS[match["colour"]] if match else None


def _split_combined(normalised):
    """Split a one-cell label such as "黄色预警措施类型" into (level, sub spec)."""
    for sub in SUB_COLUMNS:
        for name in (sub.label, *sub.aliases):
            suffix = normalise_label(name)
            if normalised.endswith(suffix) and len(normalised) > len(suffix):
                level = level_of(normalised[: -len(suffix)].rstrip("-_/·:"))
                if level is not None:
                    return level, sub
    return None, None


@dataclass
class ColumnMap:
    """Column positions of a file: ``index[key]`` is the 0-based column and ``labels[key]`` its label in the file."""

    header_row: int
    first_data_row: int
    index: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)

    def cell_ref(self, key, row_number):
        return f"{column_letter(self.index[key])}{row_number}"


def column_letter(index):
    """Return the Excel letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def find_header_row(rows):
    """Return the 0-based index of the header row, or None."""
    name_spec, code_spec = _PLAIN_BY_KEY["name"], _PLAIN_BY_KEY["credit_code"]
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        labels = [normalise_label(cell) for cell in row if cell not in (None, "")]
        if any(name_spec.accepts(label) for label in labels) and any(code_spec.accepts(label) for label in labels):
            return position
    return None


def map_columns(rows, header_position):
    """Map the columns of the header at ``header_position``.

    Returns (ColumnMap, errors): errors name each required column that is missing and each
    column that appears twice, at the header row.
    """
    top = rows[header_position]
    below = rows[header_position + 1] if header_position + 1 < len(rows) else []
    sub_row = below if _is_sub_header(below) else []
    header_number = header_position + 1
    columns = ColumnMap(header_row=header_number, first_data_row=header_number + (2 if sub_row else 1))
    errors = []

    group_raw, group_level = "", None
    width = max(len(top), len(sub_row))
    for index in range(width):
        top_raw = top[index] if index < len(top) else ""
        sub_raw = sub_row[index] if index < len(sub_row) else ""
        top_norm, sub_norm = normalise_label(top_raw), normalise_label(sub_raw)
        if top_norm:
            group_raw, group_level = top_raw, level_of(top_norm)
        elif not sub_norm:
            group_raw, group_level = "", None
            continue
        key, label = _identify(top_norm, sub_norm, group_raw, sub_raw, group_level)
        if key is None:
            continue
        if key in columns.index:
            errors.append(RowError(
                header_number,
                label,
                _("This column appears twice (columns %(first)s and %(second)s); delete one of them.")
                % {"first": column_letter(columns.index[key]), "second": column_letter(index)},
            ))
            continue
        columns.index[key] = index
        columns.labels[key] = label

    missing = [_canonical_label(key, spec) for key, spec in ALL_SPECS if spec.required and key not in columns.index]
    if missing:
        errors.append(RowError(
            header_number,
            "",
            _("Required columns are missing: %(labels)s. Use the reduction-list template's header.")
            % {"labels": "、".join(missing)},
        ))
    return columns, errors


def _identify(top_norm, sub_norm, top_raw, sub_raw, group_level):
    """Return (key, label in the file) for one header column, or (None, None) if it is not ours."""
    if group_level is not None and sub_norm:
        for sub in SUB_COLUMNS:
            if sub.accepts(sub_norm):
                return f"{group_level}_{sub.key}", f"{display_label(top_raw)}/{display_label(sub_raw)}"
        return None, None
    if top_norm:
        for spec in PLAIN_COLUMNS:
            if spec.accepts(top_norm):
                return spec.key, display_label(top_raw)
        level, sub = _split_combined(top_norm)
        if level is not None:
            return f"{level}_{sub.key}", display_label(top_raw)
    return None, None


def _is_sub_header(row):
    return any(sub.accepts(normalise_label(cell)) for cell in row for sub in SUB_COLUMNS if cell not in (None, ""))


def _canonical_label(key, spec):
    for level, label in LEVEL_LABELS.items():
        if key.startswith(f"{level}_"):
            return f"{label}/{spec.label}"
    return spec.label
