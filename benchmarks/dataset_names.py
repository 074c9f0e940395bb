"""Chinese names, addresses and codes that read like the national register.

A company name is built the way Chinese company names are: a place word (the city, sometimes
the district or county), a trade name of 2–4 characters, an industry word that follows the
enterprise's GB/T 4754 division (机械, 化工, 智能装备, 电子, 物流, 纺织, 医药, 软件, …) and
the legal form (有限公司, 股份有限公司, …). So a 2-character search such as "机械" matches
about the share of the register it would match in life. Credit codes carry valid check
digits (GB 32100-2015, via the project's own helper) and the registering county's GB/T 2260
code.
"""

from __future__ import annotations

from benchmarks.dataset_core import Random, Weights
from blueprints.demo.people import credit_code as with_check_digit

# Trade-name characters: auspicious, common in company names, none forming an industry word.
TRADE_CHARS = (
    "华鑫泰恒瑞宏盛达源昌隆兴辉博信德天金明创海宇航中联通嘉誉正永安富康顺伟力凯锦卓越远诚和益利"
    "佳美丰振奥迪立威豪祥瑞鸿腾飞龙凤祥云峰晟睿智启元亿万方圆东南西北星辰光耀晶"
)
# Weighted industry words by GB/T 4754-2017 division.
INDUSTRY_WORDS: dict[str, tuple[tuple[str, int], ...]] = {
    "06": (("煤业", 3), ("矿业", 2)),
    "07": (("油气", 2), ("石油", 1)),
    "08": (("矿业", 1),),
    "09": (("矿业", 2), ("有色金属", 1)),
    "10": (("矿业", 2), ("建材", 1)),
    "13": (("食品", 4), ("粮油", 2), ("农产品", 1)),
    "14": (("食品", 4), ("乳业", 1), ("食品科技", 1)),
    "15": (("饮料", 2), ("酒业", 2), ("茶业", 1)),
    "17": (("纺织", 5), ("棉纺", 1), ("印染", 1)),
    "18": (("服饰", 3), ("服装", 2), ("纺织", 1)),
    "19": (("鞋业", 2), ("皮革", 1)),
    "20": (("木业", 2),),
    "21": (("家具", 3), ("家居", 2)),
    "22": (("纸业", 2), ("包装", 2)),
    "23": (("印刷", 3), ("包装印务", 1)),
    "24": (("文体用品", 1), ("工艺品", 1)),
    "25": (("石化", 2), ("能源", 1)),
    "26": (("化工", 6), ("新材料", 2), ("化学", 1), ("精细化工", 1)),
    "27": (("医药", 4), ("生物医药", 2), ("制药", 2), ("药业", 2)),
    "28": (("化纤", 2), ("化学纤维", 1)),
    "29": (("塑胶", 3), ("橡胶", 2), ("塑业", 2)),
    "30": (("建材", 3), ("玻璃", 1), ("陶瓷", 1), ("水泥", 1)),
    "31": (("钢铁", 3), ("特钢", 1)),
    "32": (("铝业", 2), ("铜业", 1), ("有色金属", 1), ("新材料", 1)),
    "33": (("金属制品", 3), ("五金", 2), ("精密制造", 1)),
    "34": (
        ("机械", 8),
        ("精密机械", 3),
        ("智能装备", 3),
        ("机电", 2),
        ("泵业", 1),
        ("阀门", 1),
        ("轴承", 1),
    ),
    "35": (("机械", 6), ("装备", 2), ("智能装备", 3), ("重工", 1), ("自动化设备", 2)),
    "36": (("汽车零部件", 4), ("汽车部件", 2), ("汽车", 1), ("新能源汽车", 1)),
    "37": (("船舶", 2), ("航空", 1), ("轨道交通装备", 1)),
    "38": (("电气", 4), ("电器", 3), ("电机", 2), ("电缆", 1), ("新能源", 1)),
    "39": (("电子", 6), ("电子科技", 3), ("微电子", 1), ("光电", 1), ("通信", 1)),
    "40": (("仪器仪表", 2), ("仪表", 1), ("测控", 1)),
    "41": (("制造", 1),),
    "42": (("再生资源", 1), ("环保", 1)),
    "43": (("机械设备维修", 1), ("机械", 1)),
    "44": (("电力", 2), ("能源", 1), ("热电", 1)),
    "45": (("燃气", 1),),
    "46": (("水务", 1),),
    "48": (("建设", 1), ("工程", 1)),
    "51": (("贸易", 1), ("商贸", 1)),
    "54": (("运输", 1), ("物流", 2)),
    "58": (("物流", 3), ("供应链", 1)),
    "59": (("仓储", 1), ("物流", 2)),
    "63": (("通信", 1), ("信息", 1)),
    "64": (("网络科技", 2), ("互联网", 1)),
    "65": (("软件", 4), ("信息技术", 3), ("数据科技", 1), ("智能科技", 2)),
    "73": (("技术研究", 1),),
    "74": (("检测", 1), ("技术服务", 1)),
    "75": (("科技", 1),),
}
# How often each division appears among the enterprises that take part (manufacturing first).
INDUSTRY_WEIGHTS: dict[str, float] = {
    "06": 1, "07": 0.3, "08": 0.3, "09": 0.3, "10": 0.5, "13": 3, "14": 2, "15": 1.5, "17": 3,
    "18": 2, "19": 1, "20": 1, "21": 1.5, "22": 1.5, "23": 1, "24": 1, "25": 1, "26": 6, "27": 4,
    "28": 1, "29": 4, "30": 4, "31": 2, "32": 2, "33": 5, "34": 8, "35": 7, "36": 5, "37": 2,
    "38": 7, "39": 7, "40": 2, "41": 0.5, "42": 0.5, "43": 0.5, "44": 2, "45": 0.5, "46": 0.5,
    "48": 1, "51": 1, "54": 1, "58": 1, "59": 1, "63": 0.5, "64": 1, "65": 3, "73": 0.5,
    "74": 0.5, "75": 0.5,
}  # fmt: skip
_WORDS = {division: Weights.of(words) for division, words in INDUSTRY_WORDS.items()}
_TECH = Weights(("科技",), (1,))
LEGAL_FORMS = Weights.of(
    (("有限公司", 75), ("股份有限公司", 15), ("有限责任公司", 5), ("集团有限公司", 5))
)
TRADE_LENGTHS = Weights((2, 3, 4), (70, 22, 8))
# Where enterprises are: weight of each province (GB/T 2260 prefix) by industrial activity.
PROVINCE_WEIGHTS: dict[str, float] = {
    "11": 3, "12": 3, "13": 4, "14": 2, "15": 1.5, "21": 3, "22": 1.5, "23": 1.5, "31": 5,
    "32": 12, "33": 11, "34": 5, "35": 5, "36": 3, "37": 10, "41": 5, "42": 5, "43": 4, "44": 12,
    "45": 2, "46": 0.5, "50": 3, "51": 4, "52": 1.5, "53": 1.5, "54": 0.2, "61": 3, "62": 1,
    "63": 0.4, "64": 0.6, "65": 1,
}  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯"
    "健俊帆帅鹏辉晨欣怡婷雪琳博文"
)
ROADS = (
    "人民路", "建设路", "解放路", "中山路", "科技路", "创业大道", "工业园路", "高新大道", "长江路",
    "黄河路", "经五路", "纬二路", "星湖街", "金桥路", "新华路", "开发大道", "东方路", "振兴路",
    "迎宾大道", "滨江路", "学府路", "兴业路", "光明路", "富民路", "园区大道", "银杏路",
)  # fmt: skip
_SUFFIXES = ("自治州", "地区", "新区", "市", "县", "区", "盟", "旗")


def place_word(name: str) -> str:
    """The word a company name takes from a place: 苏州市 → 苏州, 浦东新区 → 浦东."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            name = name[: -len(suffix)]
            break
    return name if len(name) <= 3 else name[:2]


def trade_name(rng: Random) -> str:
    length = rng.pick(TRADE_LENGTHS)
    return "".join(rng.choice(TRADE_CHARS) for _ in range(length))


def industry_word(rng: Random, division: str) -> str:
    word = rng.pick(_WORDS.get(division, _TECH))
    if not word.endswith(("科技", "技术")) and rng.random() < 0.12:
        word += "科技"
    return word


def company_name(rng: Random, places: tuple[str, ...], division: str) -> str:
    place = places[0] if len(places) == 1 or rng.random() < 0.7 else rng.choice(places[1:])
    form = rng.pick(LEGAL_FORMS)
    return f"{place}{trade_name(rng)}{industry_word(rng, division)}{form}"


def person(rng: Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng: Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def street_address(rng: Random, region_path: str) -> str:
    return f"{region_path}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(rng: Random) -> str:
    """A 9-character organisation code (GB 11714): 8 characters and its check character."""
    if rng.random() < 0.5:
        stem = "MA" + "".join(rng.choice(_USCC_BODY) for _ in range(6))
    else:
        stem = f"{rng.randrange(10**8):08d}"
    total = sum(int(c, 36) * w for c, w in zip(stem, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return stem + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng: Random, county: str) -> str:
    """A valid 统一社会信用代码: 9 (registered by the market regulator) 1 (a company), the
    county's code, the organisation code, and the check digit the project computes."""
    return with_check_digit(f"91{county}{_org_code(rng)}")
