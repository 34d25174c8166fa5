"""Daily digests and payment reminders by e-mail, through a real SMTP server (aiosmtpd on
127.0.0.1): contacts opt in with the customer import's 邮件接收 column; each message arrives
once, with the card's content as plain text and HTML; an SMTP 4xx is tried again, a 5xx ends
the row failed with the server's words."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot import keys
from bot.app import create_app
from bot.cli import _parser
from bot.outbox_cli import run as run_outbox
from domain.customers.io import ImportRefused, import_file
from domain.store.models import Contact, OutboxMessage
from handlers.chat.email import EMAIL
from handlers.progress.jobs import scan_digests
from tests.api.conftest import Api
from tests.api.smtp_server import SmtpServer, bodies
from tests.conftest import make_settings
from tests.console_driver import ConsoleDriver
from tests.finance.test_dunning import SCHOOL, TODAY, add_milestone, scan

SENDER = "sitebot@linjiang.example"
LIU, HE = "liu@xinghe.example", "he@jiaoyu.example"
HEADER = "客户名称,类型,等级,标签,预算下限,预算上限,备注,联系人,职务,电话,邮箱,偏好渠道,邮件接收"
CONTACTS = [HEADER,
            f"星河置业有限公司,开发商类,A,VIP、重点跟进,10000000,50000000,,刘总,业主代表,138-0000-0001,{LIU},console,是",
            f"临江市教育局,政府类,A,政府项目,5000000,20000000,,何监理,监理工程师,139-0000-0002,{HE},console,是"]
LOG = "日志 今日完成5层顶板钢筋绑扎，天气 晴，人数 35，问题：塔吊检修停工2小时，费用 3200"


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def console(db_url, clock, smtp, aiohttp_client) -> ConsoleDriver:
    settings = make_settings(db_url, email={"host": "127.0.0.1", "port": smtp.port, "security": "none",
                                            "sender": SENDER})
    app = create_app(settings, clock=clock, demo=True, run_worker=False)
    return ConsoleDriver(await aiohttp_client(app))


async def opt_in(console, tmp_path: Path, lines: list[str] = CONTACTS) -> None:  # noqa: ANN001
    """What an admin does: `sitebot customers import contacts.csv` with 邮件接收 = 是."""
    path = tmp_path / "contacts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    async with console.app[keys.STORE].transaction() as tx:
        await import_file(tx, path, console.app[keys.CLOCK]())


async def email_rows(console, to: str | None = None) -> list[OutboxMessage]:  # noqa: ANN001
    async with console.app[keys.STORE].transaction() as tx:
        rows = await tx.session.scalars(select(OutboxMessage).where(OutboxMessage.platform == EMAIL)
                                        .order_by(OutboxMessage.id))
        return [r for r in rows if to in (None, r.target_id)]


async def test_the_daily_digest_arrives_by_email_once_with_the_cards_content(console, clock, smtp, tmp_path):
    await opt_in(console, tmp_path)
    await console.say("u-li", "p001-site", LOG)
    clock.advance(hours=4)                                   # 18:00 in Shanghai
    await scan_digests(console.app[keys.JOBS])
    await console.deliver()
    [message] = smtp.to(LIU)
    assert message["Subject"] == "今日进展 · P-001 滨江花园 5 号楼 · 11-23"
    assert message["From"] == f"sitebot <{SENDER}>" and message["To"] == LIU
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = bodies(message)
    chat_card = next(m["body"] for m in await console.bot_messages("p001-owner")
                     if m["body"].get("title", "").startswith("今日进展"))
    for block in chat_card["blocks"]:                        # what the card says, the e-mail says
        for line in ([f"{f['label']}：{f['value']}" for f in block.get("items", [])]
                     or [block.get("text", "")]):
            assert line.split("\n")[0] in text, line
    assert "今日完成5层顶板钢筋绑扎" in html and "塔吊检修停工2小时" in html
    assert "3200" not in text and "3200" not in html         # internal costs stay internal
    link = next(a for a in chat_card["actions"] if a["type"] == "link")
    assert link["url"] in text and f'href="{link["url"].replace("&", "&amp;")}"' in html
    assert smtp.to(HE) == []                                 # P-002's day was quiet: no digest
    # Once only: another pass, a restart's catch-up, the worker again — no second e-mail.
    await scan_digests(console.app[keys.JOBS])
    clock.advance(hours=1)
    await scan_digests(console.app[keys.JOBS])
    await console.deliver()
    assert len(smtp.to(LIU)) == 1
    [row] = await email_rows(console)
    assert row.status == "sent" and row.target_id == LIU and row.card_key is None


async def test_a_dunning_reminder_arrives_by_email_once(console, clock, smtp, tmp_path):
    await opt_in(console, tmp_path)
    await add_milestone(console.app, TODAY)                   # P-002 (临江市教育局) due today
    await scan(console)
    [message] = smtp.to(HE)
    text, html = bodies(message)
    assert SCHOOL in message["Subject"] or SCHOOL in text
    assert "以下款项今天到期" in text and "¥1,000,000.00" in text and "账号" in text
    assert "以下款项今天到期" in html
    assert "P-001" not in text and "滨江" not in text          # only their own amount
    await scan(console)
    assert len(smtp.to(HE)) == 1                              # the same step: never twice
    clock.advance(days=3)                                     # the next step of the ladder: a new one
    await scan(console)
    assert len(smtp.to(HE)) == 2 and "已过约定付款日 3 天" in bodies(smtp.to(HE)[-1])[0]
    assert all(SCHOOL not in bodies(m)[0] for m in smtp.to(LIU))   # 星河's own overdue payment at most


async def test_smtp_4xx_is_tried_again_and_5xx_fails_with_the_servers_words(console, clock, smtp, tmp_path):
    await opt_in(console, tmp_path)
    await add_milestone(console.app, TODAY)
    smtp.answer = "451 4.7.1 Greylisted, try again later"
    await scan(console)
    [row] = await email_rows(console, HE)
    assert row.status == "pending" and row.attempts == 1 and "451" in row.last_error
    assert smtp.got == []
    smtp.answer = None
    clock.advance(minutes=10)                                 # past the backoff
    await console.deliver()
    [row] = await email_rows(console, HE)
    assert row.status == "sent" and len(smtp.to(HE)) == 1
    # A mailbox that does not exist: failed at once, the server's answer kept.
    smtp.answer = "550 5.1.1 <he@jiaoyu.example>: mailbox unavailable"
    clock.advance(days=3)
    await scan(console)
    row = (await email_rows(console, HE))[-1]
    assert row.status == "failed" and row.attempts == 1
    assert "550 5.1.1 <he@jiaoyu.example>: mailbox unavailable" in row.last_error
    assert len(smtp.to(HE)) == 1
    # The mailbox is fixed: the admin sends the failed e-mails again, as for any channel.
    smtp.answer = None
    args = _parser().parse_args(["outbox", "retry", "--platform", EMAIL])
    assert await run_outbox(args, console.app[keys.STORE], console.app[keys.SETTINGS], clock()) == 0
    await console.deliver()
    assert len(smtp.to(HE)) == 2 and "已过约定付款日 3 天" in bodies(smtp.to(HE)[-1])[0]


async def test_opting_in_needs_an_address_and_a_clear_answer(console, tmp_path, capsys):
    bad = [HEADER, "星河置业有限公司,开发商类,A,,,,,刘总,业主代表,,,,是",
           "临江市教育局,政府类,A,,,,,何监理,,,he@jiaoyu.example,,也许"]
    with pytest.raises(ImportRefused) as refused:
        await opt_in(console, tmp_path, bad)
    assert [(e.row, e.key) for e in refused.value.errors] == [(2, "customer.io.email_needed"),
                                                              (3, "customer.io.bad_wants_email")]
    async with console.app[keys.STORE].transaction() as tx:
        assert not any(c.wants_email for c in await tx.session.scalars(select(Contact)))
    # An older file without the column leaves the choice as it was.
    await opt_in(console, tmp_path)
    await opt_in(console, tmp_path, [HEADER.rsplit(",", 1)[0], CONTACTS[1].rsplit(",", 1)[0]])
    async with console.app[keys.STORE].transaction() as tx:
        assert all(c.wants_email for c in await tx.session.scalars(select(Contact)))
    # An ERP reads the choice through the API.
    api = Api(console.client, capsys)
    crm = await api.token("CRM", "--scope", "customers:read")
    _, customers = await api.call("GET", "/api/v1/customers", crm)
    _, contacts = await api.call("GET", f"/api/v1/customers/{customers['items'][0]['id']}/contacts", crm)
    assert [(c["name"], c["email"], c["wants_email"]) for c in contacts["items"]] == [("刘总", LIU, True)]


async def test_without_an_smtp_server_email_rows_wait_as_not_configured(db_url, clock, aiohttp_client, tmp_path):
    app = create_app(make_settings(db_url), clock=clock, demo=True, run_worker=False)
    console = ConsoleDriver(await aiohttp_client(app))
    await opt_in(console, tmp_path)
    await add_milestone(app, TODAY)
    await scan(console)
    rows = await email_rows(console)
    assert {r.status for r in rows} == {"failed"} and "'email' is not configured" in rows[0].last_error
