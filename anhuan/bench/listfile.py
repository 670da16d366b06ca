"""Write a large reduction list in the layout offices exchange, for benchmarks."""

import random

from openpyxl import Workbook

from anhuan.enterprises.domain.credit_code import ALPHABET, check_character

REGIONS = [
    ("130502", "襄都区"), ("130503", "信都区"), ("130505", "任泽区"), ("130506", "南和区"),
    ("130522", "临城县"), ("130523", "内丘县"), ("130524", "柏乡县"), ("130525", "隆尧县"),
    ("130528", "宁晋县"), ("130529", "巨鹿县"), ("130530", "新河县"), ("130531", "广宗县"),
    ("130532", "平乡县"), ("130533", "威县"), ("130534", "清河县"), ("130535", "临西县"),
    ("130581", "南宫市"), ("130582", "沙河市"),
]
TOP = [
    "序号", "县（市、区）", "企业名称", "统一社会信用代码", "行业类别", "国民经济行业代码", "绩效等级", "管控类别",
    "是否纳入白名单", "是否含不可中断工序", "生产线/工序", "主要产品及产能", "黄色预警", "", "", "橙色预警", "", "",
    "红色预警", "", "", "安全停车所需时间（小时）", "停限产安全风险", "联系人", "联系电话", "备注",
]
SUB = [""] * 12 + ["措施类型", "限产比例（%）", "具体措施"] * 3 + [""] * 5
INDUSTRIES = [("平板玻璃", "C3041"), ("橡胶制品", "C2911"), ("工业涂装", "C3670"), ("炼焦", "C2521"), ("水泥制造", "C3011")]
GRADES = ["A", "B", "B-", "C", "D", "非重点行业"]


def credit_code(region_code, serial):
    body = "91" + region_code + f"{serial:08d}"[:8] + ALPHABET[serial % 31]
    return body + check_character(body)


def _measures(grade):
    if grade == "A":
        return [("自主减排", "", "自主减排")] * 3
    if grade == "D":
        return [("停产", "", "停产")] * 3
    return [("限产", 20, "限产20%"), ("限产", 50, "限产50%"), ("停产", "", "停产")]


def write_list(path, rows, lines_per_enterprise=5, seed=7):
    """Write ``rows`` production lines (``lines_per_enterprise`` per enterprise) to ``path``."""
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("应急减排清单")
    sheet.append(["邢台市2025—2026年度重污染天气应急减排清单（工业源）"])
    sheet.append(["填报单位：邢台市生态环境局（盖章）        填报日期：2025年10月"])
    sheet.append(TOP)
    sheet.append(SUB)
    enterprise = None
    for number in range(1, rows + 1):
        if (number - 1) % lines_per_enterprise == 0:
            serial = (number - 1) // lines_per_enterprise + 1
            region_code, region_name = REGIONS[serial % len(REGIONS)]
            industry, industry_code = INDUSTRIES[serial % len(INDUSTRIES)]
            grade = GRADES[serial % len(GRADES)]
            enterprise = {
                "region": region_name,
                "name": f"{region_name[:2]}测试{serial:05d}{industry}有限公司",
                "code": credit_code(region_code, serial),
                "industry": industry,
                "industry_code": industry_code,
                "grade": grade,
                "nonint": "是" if serial % 4 == 0 else "否",
                "measures": _measures(grade),
            }
        line = (number - 1) % lines_per_enterprise + 1
        cells = [
            number, enterprise["region"], enterprise["name"], enterprise["code"], enterprise["industry"],
            enterprise["industry_code"], enterprise["grade"],
            "一般工业企业" if enterprise["grade"] == "非重点行业" else "重点行业", "否", enterprise["nonint"],
            f"第{line}生产线", "10万吨/年",
        ]
        for kind, percent, detail in enterprise["measures"]:
            cells += [kind, percent, detail]
        cells += [rng.choice([1, 2, 4, 6, 12, 24, 48]), rng.choice(["一般", "一般", "较大"]), "张伟", "13800000000", ""]
        sheet.append(cells)
    workbook.save(path)
