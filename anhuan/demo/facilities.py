"""Demo key environmental facilities: twelve facilities in four counties, one for every state the pages show.

* 任泽区: a new RTO project planned and shared, and a VOCs recovery project with only its
  environmental demonstration. An RTO was found operating without a safety demonstration. It has
  the finding's referral and a fine that was never followed by a rectification.
* 沙河市: a denitrification project under construction with every prerequisite on file, a
  desulfurisation project accepted and in operation, and two dust facilities run by third-party
  providers, one of them without the enterprise's own responsible person.
* 信都区: existing facilities (in use before the mechanism took effect) with a passing
  assessment, with a failed assessment and a stop-use order in force, and one never formally
  designed and without a design diagnosis.
* 襄都区 (acted on by city staff): an existing wastewater plant whose next assessment is overdue
  and a new RTO project waiting for its design.

Everything goes through the facility, register and provider services as the named demo officers,
so the rows carry audit entries and notifications like data entered by hand. Dates count back from
today, so the demo stays current. A facility that exists (same enterprise and name) is skipped
with everything recorded on it, so a second run writes nothing.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.utils import timezone

from anhuan.core.timeutil import to_local
from anhuan.enterprises.domain.credit_code import check_character
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.services import create_enterprise
from anhuan.organizations.models import Region
from anhuan.organizations.services import get_system_user

logger = logging.getLogger(__name__)

# Enterprises of the demo reduction list that own the demo facilities: credit code → registry data,
# used to register the enterprise when the list could not be imported.
ENTERPRISES = {
    "91130505503779116N": {"name": "任泽泰昌化工有限公司", "region_code": "130505", "industry_code": "C2614",
                           "industry_name": "化工", "performance_grade": "C", "key_industry": True},
    "9113050577061050X4": {"name": "任泽远达橡胶制品有限公司", "region_code": "130505", "industry_code": "C2911",
                           "industry_name": "橡胶制品", "performance_grade": "B-", "key_industry": True},
    "911305827405637815": {"name": "沙河恒福玻璃有限公司", "region_code": "130582", "industry_code": "C3041",
                           "industry_name": "平板玻璃", "performance_grade": "C", "key_industry": True,
                           "non_interruptible": True},
    "91130582337734624K": {"name": "沙河华康玻璃有限公司", "region_code": "130582", "industry_code": "C3041",
                           "industry_name": "平板玻璃", "performance_grade": "C", "key_industry": True,
                           "non_interruptible": True},
    "911305030646136316": {"name": "信都远福隆钢铁有限公司", "region_code": "130503", "industry_code": "C3120",
                           "industry_name": "长流程联合钢铁", "performance_grade": "B-", "key_industry": True,
                           "non_interruptible": True},
    "91130502733030709G": {"name": "襄都恒瑞机械制造有限公司", "region_code": "130502", "industry_code": "C3670",
                           "industry_name": "工业涂装", "performance_grade": "A", "key_industry": True},
}
RENZE_CHEM, RENZE_RUBBER = "91130505503779116N", "9113050577061050X4"
SHAHE_HENGFU, SHAHE_HUAKANG = "911305827405637815", "91130582337734624K"
XINDU_STEEL, XIANGDU_MACHINERY = "911305030646136316", "91130502733030709G"

# Third-party providers. Each credit code is completed with its GB 32100 check character.
PROVIDERS = [
    {"name": "河北清源环保工程有限公司", "code17": "91130500MA0DEMX01", "region_code": "130500",
     "qualification": "环境工程（大气污染防治工程）专项设计乙级", "contact_person": "韩立强", "phone": "0319-3216688",
     "address": "邢台市襄都区中兴东大街88号"},
    {"name": "邢台蓝天环境治理运营有限公司", "code17": "91130582MA0DEMX02", "region_code": "130582",
     "qualification": "环境污染治理设施运营（除尘脱硫脱硝）", "contact_person": "袁建军", "phone": "0319-8861234",
     "address": "沙河市褡裢街道建设路16号"},
]
# Commissioned before the mechanism took effect (2023-11-17), so these follow the existing-facility path.
EXISTING_SINCE = dt.date(2019, 6, 1)


def _today():
    return to_local(timezone.now()).date()


def _days_ago(days):
    return _today() - dt.timedelta(days=days)


def _enterprise(credit_code):
    enterprise = Enterprise.objects.filter(credit_code=credit_code).first()
    if enterprise is not None:
        return enterprise
    data = dict(ENTERPRISES[credit_code])
    region = Region.objects.get(code=data.pop("region_code"))
    return create_enterprise(actor=get_system_user(), credit_code=credit_code, region=region, **data)


def _provider_code(code17):
    return code17 + check_character(code17)


class _Builder:
    """Creates the demo facilities that do not exist yet, counting what it created."""

    def __init__(self, users):
        from anhuan.facilities.services import existing, findings, lifecycle, providers, risks
        from anhuan.sharing.models import EnforcementRecord, EnvFacility
        from anhuan.sharing.services.registers import create_record

        self.users = users
        self.existing, self.findings, self.lifecycle = existing, findings, lifecycle
        self.providers, self.risks = providers, risks
        self.EnvFacility, self.EnforcementRecord, self.create_record = EnvFacility, EnforcementRecord, create_record
        self.created = 0

    def register(self, officer, credit_code, name, facility_type, **fields):
        """Add the register row unless the enterprise has a facility of that name, and return it or None."""
        enterprise = _enterprise(credit_code)
        if self.EnvFacility.objects.filter(enterprise=enterprise, name=name).exists():
            return None
        self.created += 1
        return self.create_record(
            self.EnvFacility, actor=self.users[officer], enterprise=enterprise, name=name, facility_type=facility_type,
            **fields,
        )

    def new_project(self, officer, credit_code, name, facility_type, capacity):
        return self.register(officer, credit_code, name, facility_type, status="planned", capacity=capacity)

    def existing_facility(self, officer, credit_code, name, facility_type, capacity, **fields):
        return self.register(
            officer, credit_code, name, facility_type, status="in_operation", capacity=capacity,
            commissioned_on=EXISTING_SINCE, **fields,
        )

    # --- New-project steps, as the environment officer ``ee`` and the emergency officer ``em`` ---

    def env_demonstration(self, facility, ee, days_ago):
        self.lifecycle.record_env_demonstration(
            facility, self.users[ee], held_on=_days_ago(days_ago), organiser="邢台市生态环境局",
            expert_names="高雅琴、李卫东", opinion="工艺路线可行，废气收集与处理措施满足排放标准要求，同意建设。",
            outcome="passed",
        )

    def through_acceptance(self, facility, ee, em, *, start, operate):
        """Take a new project from its demonstrations to construction, and on to operation if ``operate``."""
        lifecycle, ee_user, em_user = self.lifecycle, self.users[ee], self.users[em]
        self.env_demonstration(facility, ee, start)
        lifecycle.remind_safety_demonstration(facility, ee_user)
        lifecycle.record_safety_demonstration(
            facility, em_user, held_on=_days_ago(start - 10), organiser="企业委托河北省化工设计研究院",
            expert_names="何嘉禾、孙明", opinion="氨水储罐泄漏、反应器超温风险已辨识，控制措施可行，同意实施。",
            outcome="passed",
        )
        lifecycle.record_design(
            facility, ee_user, designer="河北清源环保工程有限公司", qualification="环境工程（大气污染防治工程）专项设计乙级",
            certificate_number="A213005678", designed_on=_days_ago(start - 20),
        )
        lifecycle.record_construction_plan(
            facility, em_user, prepared_on=_days_ago(start - 30), contractor="邢台建工集团有限公司",
            safety_measures="动火、受限空间和高处作业实行作业票审批，专人监护；施工区域与生产区域隔离。",
        )
        lifecycle.confirm_checkpoint(facility, ee_user, "designed", confirmed_on=_days_ago(start - 30))
        lifecycle.change_status(facility, "under_construction", ee_user)
        if not operate:
            return
        lifecycle.confirm_checkpoint(facility, em_user, "built", confirmed_on=_days_ago(start - 90))
        lifecycle.record_acceptance(
            facility, ee_user, accepted_on=_days_ago(start - 100), organiser="企业组织，县应急、环保部门参加",
            opinion="设施按设计建成，安全防护设施同时建成，验收合格。", outcome="passed",
        )
        lifecycle.change_status(facility, "in_operation", ee_user, confirmed_on=_days_ago(start - 105))

    def risk(self, facility, em, kind, level, description, controls):
        self.risks.add_risk(facility, self.users[em], kind=kind, level=level, description=description, controls=controls)

    def assessment(self, facility, em, *, days_ago, outcome, next_due_in=None, **texts):
        return self.existing.record_assessment(
            facility, self.users[em], assessed_on=_days_ago(days_ago), assessor="河北安泰安全评价有限公司",
            outcome=outcome, next_due_on=_today() + dt.timedelta(days=next_due_in) if next_due_in is not None else None,
            **texts,
        )


def _renze(builder):
    ee, em = "renze_ee_officer", "renze_em_officer"

    planned = builder.new_project(ee, RENZE_CHEM, "新建2号RTO焚烧炉", "rto", "处理风量30000m³/h")
    if planned is not None:
        builder.lifecycle.share_project(planned, builder.users[ee])

    vocs = builder.new_project(ee, RENZE_CHEM, "溶剂VOCs冷凝回收装置", "vocs_recovery", "回收能力2t/d")
    if vocs is not None:
        builder.env_demonstration(vocs, ee, 40)

    found = builder.new_project(ee, RENZE_RUBBER, "硫化废气RTO焚烧炉", "rto", "处理风量20000m³/h")
    if found is None:
        return
    finding = builder.findings.record_finding(
        found, builder.users[ee], found_on=_days_ago(45), observed_status="in_operation",
        description="现场检查发现该RTO焚烧炉已投入运行，企业未能提供安全论证材料，也未组织验收。",
    )
    builder.create_record(
        builder.EnforcementRecord, actor=builder.users[ee], enterprise=found.enterprise, inspected_on=_days_ago(45),
        inspectors="马丽娜、朱永刚", findings=finding.description,
        violation="重点环保设施未经验收擅自投入使用。", measure="fine",
        harder_measure_reason="设施未经安全论证和验收即投入运行，存在爆炸风险，仅采取教育提醒等柔性措施不足以纠正。",
        amount=Decimal("50000.00"), rectification_deadline=_days_ago(15), facility=found,
    )


def _shahe(builder):
    ee, em = "shahe_ee_officer", "shahe_em_officer"

    building = builder.new_project(ee, SHAHE_HENGFU, "2号熔窑烟气SCR脱硝设施", "desulfurization_denitrification",
                                   "烟气量120000Nm³/h")
    if building is not None:
        builder.through_acceptance(building, ee, em, start=200, operate=False)
        builder.risk(building, em, "poisoning", "high", "氨水储罐及管线泄漏可致氨中毒。",
                     "储罐区设置氨气泄漏报警并与喷淋联锁，配备正压式空气呼吸器。")

    running = builder.new_project(ee, SHAHE_HUAKANG, "熔窑烟气脱硫除尘一体化设施", "desulfurization_denitrification",
                                  "烟气量90000Nm³/h")
    if running is not None:
        builder.through_acceptance(running, ee, em, start=300, operate=True)
        builder.risk(running, em, "asphyxiation", "moderate", "脱硫塔检修需进入受限空间。",
                     "执行受限空间作业审批，先通风、再检测、后作业，专人监护。")

    providers = _providers(builder, ee)
    contracted = builder.existing_facility(ee, SHAHE_HENGFU, "原料车间布袋除尘设施", "dust", "风量60000m³/h",
                                           operator_name=PROVIDERS[1]["name"])
    if contracted is not None:
        builder.providers.assign_provider(contracted.pk, actor=builder.users[ee], provider=providers[1],
                                          provider_role="operates")
        builder.providers.record_responsible_person(contracted.pk, actor=builder.users[ee],
                                                    responsible_person="刘洋", responsible_phone="19402329146")
        builder.assessment(contracted, em, days_ago=120, outcome="passed", next_due_in=245,
                           risks="布袋除尘器粉尘爆炸、清灰作业高处坠落。", controls="泄爆片、防静电接地、作业平台护栏。")

    unowned = builder.existing_facility(ee, SHAHE_HUAKANG, "窑头电除尘设施", "dust", "风量80000m³/h",
                                        operator_name=PROVIDERS[0]["name"])
    if unowned is not None:
        builder.providers.assign_provider(unowned.pk, actor=builder.users[ee], provider=providers[0],
                                          provider_role="builds_and_operates")
        builder.assessment(unowned, em, days_ago=90, outcome="passed", next_due_in=275,
                           risks="高压电场触电、灰斗积灰。", controls="高压柜联锁、检修挂牌上锁。")


def _providers(builder, ee):
    """Return the two demo providers, registering those that do not exist yet."""
    from anhuan.facilities.models import ServiceProvider

    result = []
    for data in PROVIDERS:
        code = _provider_code(data["code17"])
        provider = ServiceProvider.objects.filter(credit_code=code).first()
        if provider is None:
            fields = {key: value for key, value in data.items() if key not in ("code17", "region_code")}
            provider = builder.providers.create_provider(
                actor=builder.users[ee], credit_code=code, region=Region.objects.get(code=data["region_code"]), **fields,
            )
        result.append(provider)
    return result


def _xindu(builder):
    ee, em = "xindu_ee_officer", "xindu_em_officer"

    passing = builder.existing_facility(ee, XINDU_STEEL, "烧结机头烟气脱硫脱硝设施", "desulfurization_denitrification",
                                        "烟气量600000Nm³/h")
    if passing is not None:
        builder.risks.set_formally_designed(passing, True, builder.users[em])
        builder.assessment(passing, em, days_ago=60, outcome="passed", next_due_in=305,
                           risks="SCR反应器超温、氨逃逸、脱硫塔受限空间作业。", controls="温度联锁、氨逃逸在线监测、作业审批。")
        builder.risk(passing, em, "poisoning", "high", "液氨卸车和蒸发区泄漏可致中毒。",
                     "液氨区设置泄漏报警和紧急切断，卸车全程视频监控。")

    failed = builder.existing_facility(ee, XINDU_STEEL, "高炉出铁场除尘设施", "dust", "风量450000m³/h")
    if failed is not None:
        assessment = builder.assessment(
            failed, em, days_ago=30, outcome="failed", risks="除尘管道积灰严重，存在粉尘爆炸风险。",
            controls="未设置泄爆装置，防静电接地失效。", hazards_found="管道积灰、泄爆装置缺失、接地电阻超标。",
        )
        builder.existing.issue_stop_use_order(
            failed, builder.users[em], document_number=f"信都应急〔{_today().year}〕8号", issued_on=_days_ago(28),
            reason="安全评估不合格：除尘管道积灰严重且未设置泄爆装置，存在粉尘爆炸风险。", assessment=assessment,
        )

    undesigned = builder.existing_facility(ee, XINDU_STEEL, "转炉一次烟气除尘设施", "dust", "烟气量150000Nm³/h")
    if undesigned is not None:
        builder.risks.set_formally_designed(undesigned, False, builder.users[em])


def _xiangdu(builder):
    # 襄都区 has no demo county staff, so the city officers act on it, as city agencies may.
    ee, em = "city_ee_officer", "city_em_officer"

    overdue = builder.existing_facility(ee, XIANGDU_MACHINERY, "涂装废水处理站", "wastewater", "处理能力200m³/d")
    if overdue is not None:
        builder.risks.set_formally_designed(overdue, True, builder.users[em])
        builder.assessment(overdue, em, days_ago=400, outcome="passed", next_due_in=-35,
                           risks="调节池硫化氢中毒、加药间化学品腐蚀。", controls="硫化氢报警、强制通风、防护用品。")

    waiting = builder.new_project(ee, XIANGDU_MACHINERY, "喷涂线RTO焚烧炉", "rto", "处理风量40000m³/h")
    if waiting is not None:
        builder.env_demonstration(waiting, ee, 25)
        builder.lifecycle.remind_safety_demonstration(waiting, builder.users[ee])
        builder.lifecycle.record_safety_demonstration(
            waiting, builder.users[em], held_on=_days_ago(10), organiser="企业委托河北省化工设计研究院",
            expert_names="何嘉禾、孙明", opinion="漆雾预处理和LEL浓度联锁措施可行，同意建设。", outcome="passed",
        )


def load_demo_facilities(users):
    """Create the demo key facilities that do not exist yet and return "created", "skipped" or "unavailable".

    ``users`` maps demo user names to users (see ``anhuan.demo.users.ACCOUNTS``).
    """
    try:
        builder = _Builder(users)
    except ImportError:
        return "unavailable"
    for county in (_renze, _shahe, _xindu, _xiangdu):
        county(builder)
    logger.info("Demo key facilities: %s created", builder.created)
    return "created" if builder.created else "skipped"
