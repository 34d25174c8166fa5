"""Rules that sit beside the model: cues a few hundred examples cannot teach reliably.

The model reads character n-grams, so "已经修好了" and "修不好了" look alike to it; these say
what a site team means by them. Each rule is a veto or a floor on the model's score (see
classifier.judge), never a verdict on its own."""
from __future__ import annotations

import re

# The matter is settled or handed on: "已经修好了", "验收通过", "在允许范围内", "下周例会再讨论".
SETTLED = re.compile(
    r"(已经?|都|全部|找人)(修|处理|解决|整改|恢复|返工|盖上|换|关闭|销项|回复|上锁|签|通知|安排|付|道歉"
    r"|解释|说明|沟通)|确认了|再(讨论|说|议)"
    r"|合格|通过|正常|没问题|没有问题|没啥事|范围内|有效期|不错|漂亮|真好|笔直|满意|表扬|顺利"
    r"|零事故|无事故|没有发现问题|不影响")
# A step got done, said at the end or as a share ("底板浇完了", "完成80%"): a progress note,
# unless a problem is named with it. "浇完有一根歪了" goes on, so it is not one.
DONE = re.compile(r"(完成|做完|浇完|拆完|卸完|弄完|齐|确认|接好|通|到齐)了?\W*$"
                  r"|完成了?(\d+%|一半|\d+成)|今天完成|已(经)?完成")
# … either is void when negated, doubted or still open: "不合格", "正常吗？", "还没做完".
OPEN = re.compile(r"不合格|没通过|未通过|不正常|正常吗|没完成|未完成|完不成|没做完|不满意|没修好"
                  r"|没处理|没解决|还没|一直没|没人|不能用|不了|没到|没来|不到|没有合格|没合格|无合格")
# Notices and standing orders are not reports: "通知：明天停电", "严禁酒后上岗".
NOTICE = re.compile(r"^\s*(通知|提醒|温馨提示|重要|特此|更正|班前|本周|请(各|大家|相关)|各(位|班组)|所有"
                    r"|严禁|禁止|进入现场|以后)")
# Instructions to the team: "浇筑前把模板清干净", "钢筋要垫起来，别直接放地上".
INSTRUCTION = re.compile(r"^(把|记得|注意|请|大家|麻烦)|^[^，。]{0,8}前把|别(搞错|忘|直接|乱)")
# Talk about sitebot itself (工单, 报修, T-12) is not a new report: "工单太多了".
TICKET_TALK = re.compile(r"工单|报修|T-?\d+\b", re.IGNORECASE)
# A laugh marks a joke: "我投诉老王打呼噜哈哈".
JOKE = re.compile(r"哈哈|😂|🤣|笑死")
# Unmistakable alarms: the model's score is lifted to at least ALARM_FLOOR.
ALARM = re.compile(r"冒烟|着火|起火|失火|漏电|触电|塌了|塌方|倒了|要倒|掉下|砸到|砸了|晕倒|受伤|流血"
                   r"|打火|罢工|燃气|煤气|卡在半空|全错|不对|不合格|漏水|渗水|漏了|裂了|坏了|断了"
                   r"|危险|太险|没人管|快来人|小心！|裂|松动|歪了|受潮|碎|延期|推迟|滞后|不够|堵了|堵死"
                   r"|漏浆|空鼓|露筋|生锈|锈蚀|变形")
ALARM_FLOOR = 0.7
ALARM_MIN_CHARS = 5   # "网断了吗", "手机坏了" are about someone's phone, not the site
# Fewer meaningful characters than this and it is an acknowledgement ("收到", "OK", "👍").
MIN_CHARS = 4
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def meaningful_chars(text: str) -> int:
    return len(_MEANINGFUL.findall(text))


def veto(text: str) -> str | None:
    """Why this cannot be a report, or None."""
    if meaningful_chars(text) < MIN_CHARS:
        return "too_short"
    if TICKET_TALK.search(text):
        return "ticket_talk"
    if JOKE.search(text):
        return "joke"
    if NOTICE.search(text):
        return "notice"
    if INSTRUCTION.search(text):
        return "instruction"
    if not OPEN.search(text):
        if SETTLED.search(text):
            return "settled"
        if DONE.search(text) and not alarm(text):
            return "done"
    return None


def alarm(text: str) -> bool:
    return meaningful_chars(text) >= ALARM_MIN_CHARS and bool(ALARM.search(text))
