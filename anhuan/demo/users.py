"""Demo accounts: one per role, for the city and three counties, all with the same password.

The names are fictitious. The two enterprise contacts belong to enterprises on
the demo reduction list (anhuan/demo/data/reduction-list-2025.xlsx) and carry
the contact names and phones that list gives them.
"""

import dataclasses

from anhuan.organizations.models import Agency, Department, Region, Role, User

DEMO_PASSWORD = "Demo@2025"

EE = Department.ENVIRONMENT
EM = Department.EMERGENCY

# Counties with a full set of demo staff: GB/T 2260 code and name.
DEMO_COUNTIES = {"130503": "信都区", "130582": "沙河市", "130505": "任泽区"}


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    department: str | None = None
    region_code: str | None = None
    enterprise_code: str = ""
    phone: str = ""
    note: str = ""

    @property
    def family_name(self):
        return self.name[0]

    @property
    def given_name(self):
        return self.name[1:]


def _staff(prefix, region_code, names):
    """Officer and leader of both departments in one region; ``names`` in the order of the accounts."""
    kinds = [(EE, Role.OFFICER, "ee_officer"), (EE, Role.LEADER, "ee_leader"),
             (EM, Role.OFFICER, "em_officer"), (EM, Role.LEADER, "em_leader")]
    return [
        DemoAccount(f"{prefix}_{suffix}", name, role, department, region_code)
        for (department, role, suffix), name in zip(kinds, names, strict=True)
    ]


ACCOUNTS = [
    *_staff("city", None, ["王海涛", "李建华", "张志强", "刘国栋"]),
    *_staff("xindu", "130503", ["陈晓明", "杨振宇", "赵文博", "黄立新"]),
    *_staff("shahe", "130582", ["周佳宁", "吴长青", "徐亚军", "孙保平"]),
    *_staff("renze", "130505", ["马丽娜", "朱永刚", "胡俊杰", "郭振华"]),
    DemoAccount("expert_chem", "何嘉禾", Role.EXPERT, EM, note="chemical process safety"),
    DemoAccount("expert_env", "高雅琴", Role.EXPERT, EE, note="air pollution control"),
    DemoAccount("sysadmin", "林志远", Role.SYSTEM_ADMIN, EM),
    DemoAccount("secadmin", "罗晓峰", Role.SECURITY_ADMIN, EM),
    DemoAccount("auditor", "梁淑芬", Role.AUDIT_ADMIN, EM),
    DemoAccount(
        "ent_xindu_steel", "何明涛", Role.ENTERPRISE, enterprise_code="911305030646136316", phone="13541720655",
        note="信都远福隆钢铁有限公司 (信都区)",
    ),
    DemoAccount(
        "ent_shahe_glass", "刘洋", Role.ENTERPRISE, enterprise_code="911305827405637815", phone="19402329146",
        note="沙河恒福玻璃有限公司 (沙河市)",
    ),
]

# Registry data of the contacts' enterprises, used only when the reduction list could
# not be imported; the values are those of the list's rows.
CONTACT_ENTERPRISES = {
    "911305030646136316": {
        "name": "信都远福隆钢铁有限公司", "region_code": "130503", "industry_code": "C3120",
        "industry_name": "长流程联合钢铁", "performance_grade": "B-", "non_interruptible": True, "key_industry": True,
        "contact_name": "何明涛", "contact_phone": "13541720655",
    },
    "911305827405637815": {
        "name": "沙河恒福玻璃有限公司", "region_code": "130582", "industry_code": "C3041",
        "industry_name": "平板玻璃", "performance_grade": "C", "non_interruptible": True, "key_industry": True,
        "contact_name": "刘洋", "contact_phone": "19402329146",
    },
}

_ROLE_WORDS = {
    Role.OFFICER: "officer",
    Role.LEADER: "leader",
    Role.EXPERT: "expert",
    Role.SYSTEM_ADMIN: "system administrator",
    Role.SECURITY_ADMIN: "security administrator",
    Role.AUDIT_ADMIN: "audit administrator",
    Role.ENTERPRISE: "enterprise contact",
}


def agency_of(account):
    """Return the account's agency, or None for an enterprise contact."""
    if account.department is None:
        return None
    if account.region_code is None:
        region = Region.objects.get(kind="city")
    else:
        region = Region.objects.get(code=account.region_code)
    return Agency.objects.get(department=account.department, region=region)


def ensure_user(account):
    """Create the account's user unless the user name exists; return (user, created).

    An existing user is left exactly as it is, so a second run changes nothing.
    """
    existing = User.objects.filter(username=account.username).first()
    if existing is not None:
        return existing, False
    user = User.objects.create_user(
        username=account.username,
        password=DEMO_PASSWORD,
        role=account.role,
        agency=agency_of(account),
        last_name=account.family_name,
        first_name=account.given_name,
        phone=account.phone,
    )
    return user, True


def accounts_markdown():
    """Return docs/demo-accounts.md: the table of demo accounts for the README."""
    lines = [
        "# Demo accounts",
        "",
        "`make run` starts the platform in demo mode (`ANHUAN_MODE=demo`) and runs",
        "`python manage.py load_demo`, which creates these accounts once. Every demo account",
        f"has the password `{DEMO_PASSWORD}`. The names are fictitious. Outside demo mode the",
        "command refuses to run and no account with a known password exists.",
        "",
        "| user name | name | role | agency or enterprise | sees |",
        "| --- | --- | --- | --- | --- |",
    ]
    for account in ACCOUNTS:
        lines.append(
            f"| `{account.username}` | {account.name} | {_role_text(account)} | {_where(account)} | {_sees(account)} |"
        )
    lines += [
        "",
        "The demo data also contains the 2025 emergency reduction list of the sample file",
        "(`anhuan/demo/data/reduction-list-2025.xlsx`, fictitious enterprises with valid credit",
        "codes) and, when no warning exists yet, one orange city-wide warning in force that was",
        "announced six hours before it started.",
        "",
        "It also holds twelve key environmental facilities in 任泽区, 沙河市, 信都区 and 襄都区, one at",
        "each step the facility pages show. Among the new projects are a planned RTO incinerator shared",
        "with the emergency side (任泽泰昌化工), projects with only their environmental demonstration or",
        "with a finding and its referral, one under construction with everything on file, and one",
        "accepted and in operation. The existing facilities include one with a passing assessment, one",
        "with a failed assessment and a stop-use order in force (信都远福隆钢铁), one with an assessment",
        "overdue, and one never formally designed and without a design diagnosis. Two third-party service",
        "providers run some of them, and one facility they run has no responsible person of the",
        "enterprise. One enforcement record carries a fine without rectification. Sign in as",
        "`xindu_ee_officer` or `city_ee_leader` and open 重点环保设施.",
        "",
    ]
    return "\n".join(lines)


def _role_text(account):
    words = _ROLE_WORDS[account.role]
    if account.note and account.role == Role.EXPERT:
        return f"{words} ({account.note})"
    return words


def _where(account):
    # Agency names follow the pattern of the migration that loads the agencies.
    if account.role == Role.ENTERPRISE:
        return account.note
    if account.region_code is None:
        return "邢台市应急管理局" if account.department == EM else "邢台市生态环境局"
    county = DEMO_COUNTIES[account.region_code]
    return f"{county}应急管理局" if account.department == EM else f"邢台市生态环境局{county}分局"


def _sees(account):
    if account.role == Role.ENTERPRISE:
        return "own enterprise only"
    if account.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        return "no supervised data"
    if account.region_code is None:
        return "whole city"
    return "own county"
