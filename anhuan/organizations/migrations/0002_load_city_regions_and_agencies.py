"""Load the city's regions, one agency per department and region, and the system account.

The data is copied here, as migrations must not import app code that may
change later.
"""

from django.db import migrations

CITY = ("130500", "邢台市", "邢台", "city", "")
COUNTY_UNITS = [
    ("130502", "襄都区", "襄都", "district", "桥东区"),
    ("130503", "信都区", "信都", "district", "桥西区"),
    ("130505", "任泽区", "任泽", "district", "任县"),
    ("130506", "南和区", "南和", "district", "南和县"),
    ("130522", "临城县", "临城", "county", ""),
    ("130523", "内丘县", "内丘", "county", ""),
    ("130524", "柏乡县", "柏乡", "county", ""),
    ("130525", "隆尧县", "隆尧", "county", ""),
    ("130528", "宁晋县", "宁晋", "county", ""),
    ("130529", "巨鹿县", "巨鹿", "county", ""),
    ("130530", "新河县", "新河", "county", ""),
    ("130531", "广宗县", "广宗", "county", ""),
    ("130532", "平乡县", "平乡", "county", ""),
    ("130533", "威县", "威县", "county", ""),
    ("130534", "清河县", "清河", "county", ""),
    ("130535", "临西县", "临西", "county", ""),
    ("130581", "南宫市", "南宫", "county_city", ""),
    ("130582", "沙河市", "沙河", "county_city", ""),
    ("130571", "河北邢台经济开发区", "市经开区", "development_zone", ""),
    (None, "邢台高新技术产业开发区", "市高新区", "development_zone", ""),
]


def agency_name(name, short_name, kind, department):
    if kind == "city":
        return "邢台市应急管理局" if department == "emergency" else "邢台市生态环境局"
    if kind == "development_zone":
        return f"{short_name}应急管理中心" if department == "emergency" else f"邢台市生态环境局{short_name}分局"
    return f"{name}应急管理局" if department == "emergency" else f"邢台市生态环境局{name}分局"


def load(apps, schema_editor):
    Region = apps.get_model("organizations", "Region")
    Agency = apps.get_model("organizations", "Agency")
    User = apps.get_model("organizations", "User")

    code, name, short_name, kind, former = CITY
    city = Region.objects.create(code=code, name=name, short_name=short_name, kind=kind, sort_order=0)
    regions = [(city, kind)]
    for order, (code, name, short_name, kind, former) in enumerate(COUNTY_UNITS, start=1):
        region = Region.objects.create(
            code=code, name=name, short_name=short_name, kind=kind, former_name=former, parent=city, sort_order=order
        )
        regions.append((region, kind))

    for region, kind in regions:
        level = "city" if kind == "city" else "county"
        for department in ("emergency", "environment"):
            short_code = ""
            if kind == "city":
                short_code = "邢应急" if department == "emergency" else "邢环"
            Agency.objects.create(
                name=agency_name(region.name, region.short_name, kind, department),
                short_code=short_code,
                department=department,
                region=region,
                level=level,
            )

    # Commands and jobs act as this account; it can never sign in.
    User.objects.create(
        username="system", first_name="", last_name="系统", role="system", password="!", is_active=True
    )


def unload(apps, schema_editor):
    apps.get_model("organizations", "User").objects.filter(username="system").delete()
    apps.get_model("organizations", "Agency").objects.all().delete()
    apps.get_model("organizations", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
