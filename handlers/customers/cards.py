"""Customer and opportunity cards. The opportunity card is live (`opportunity:{id}`): its
stage buttons redraw it in place."""
from __future__ import annotations

from domain.customers.credit import Credit
from domain.customers.funnel import OPEN_STAGES, Stage
from domain.finance.money import format_money, format_wan
from domain.store.models import Contact, Customer, Opportunity, Project
from domain.store.uow import Tx
from handlers.chat.cards import Button, Card, Field, Fields, Markdown, Note
from handlers.chat.context import Deps


def customer_card(deps: Deps, locale: str, customer: Customer, contacts: list[Contact],
                  projects: list[Project], opportunities: list[Opportunity], credit: Credit,
                  outstanding: str) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    budget = "-"
    if customer.budget_min is not None or customer.budget_max is not None:
        low = format_wan(customer.budget_min) if customer.budget_min is not None else "?"
        high = format_wan(customer.budget_max) if customer.budget_max is not None else "?"
        budget = f"{low} – {high}"
    rating = (t("customer.credit.none") if credit.rating == "-" else t(
        "customer.credit.line", rating=credit.rating, share=round(credit.on_time_share * 100),
        count=credit.fell_due, worst=credit.worst_days, overdue=credit.overdue_now))
    fields = (Field(t("customer.type"), t(f"customer.types.{customer.type}")),
              Field(t("customer.grade"), customer.grade),
              Field(t("customer.tags"), "、".join(customer.tags or ()) or "-"),
              Field(t("customer.budget"), budget),
              Field(t("customer.credit.title"), rating, short=False),
              Field(t("customer.outstanding"), outstanding))
    contact_lines = [t("customer.contact_line", name=c.name, title=c.title or "-",
                       phone=c.phone or "-", channel=c.preferred_channel or "-") for c in contacts]
    project_lines = [f"• {p.code} {p.name}" for p in projects]
    funnel = [t("opportunity.line", number=o.id, title=o.title, stage=t(f"opportunity.stage.{o.stage}"),
                amount=format_money(o.amount) if o.amount is not None else "-") for o in opportunities]
    blocks = [Fields(fields),
              Markdown(t("customer.contacts") + "\n" + ("\n".join(contact_lines) or t("customer.none"))),
              Markdown(t("customer.projects") + "\n" + ("\n".join(project_lines) or t("customer.none"))),
              Markdown(t("customer.funnel") + "\n" + ("\n".join(funnel) or t("customer.none")))]
    colour = {"A": "green", "B": "blue", "C": "red"}.get(credit.rating, "grey")
    return Card(t("customer.title", name=customer.name), colour, tuple(blocks))


def opportunity_key(opportunity_id: int) -> str:
    return f"opportunity:{opportunity_id}"


async def opportunity_card(tx: Tx, deps: Deps, ident: str, locale: str) -> Card | None:
    try:
        opportunity = await tx.customers.opportunity(int(ident))
    except ValueError:
        return None
    if opportunity is None:
        return None
    customer = await tx.customers.get(opportunity.customer_id)
    owner = await tx.people.get(opportunity.owner_id) if opportunity.owner_id else None
    project = await tx.projects.get(opportunity.project_id) if opportunity.project_id else None
    return build_opportunity_card(deps, locale, opportunity, customer, owner.name if owner else "-",
                                  project)


def build_opportunity_card(deps: Deps, locale: str, o: Opportunity, customer: Customer,
                           owner: str, project: Project | None) -> Card:
    def t(key: str, **params: object) -> str:
        return deps.t(locale, key, **params)

    stage = Stage(o.stage)
    path = " → ".join(f"**{t(f'opportunity.stage.{s}')}**" if s is stage else t(f"opportunity.stage.{s}")
                      for s in OPEN_STAGES)
    fields = (Field(t("opportunity.customer"), customer.name),
              Field(t("opportunity.stage_label"), t(f"opportunity.stage.{o.stage}")),
              Field(t("opportunity.amount"), format_money(o.amount) if o.amount is not None else "-"),
              Field(t("opportunity.probability"), f"{o.probability}%"),
              Field(t("opportunity.owner"), owner),
              Field(t("opportunity.follow_up"), o.next_follow_up.isoformat() if o.next_follow_up else "-"))
    blocks: list = [Fields(fields), Markdown(path)]
    value = {"o": o.id}
    actions: tuple = ()
    if stage in OPEN_STAGES:
        actions = tuple(b for b in (
            Button(t("opportunity.btn.next"), "opportunity.next", value, "primary")
            if stage is not Stage.NEGOTIATION else None,
            Button(t("opportunity.btn.won"), "opportunity.won", value),
            Button(t("opportunity.btn.lost"), "opportunity.lost", value, "danger")) if b)
    elif stage is Stage.WON and project is None:
        actions = (Button(t("opportunity.btn.to_project"), "opportunity.to_project", value, "primary"),)
    if project is not None:
        blocks.append(Note(t("opportunity.became", code=project.code)))
    colour = {Stage.WON: "green", Stage.LOST: "grey"}.get(stage, "blue")
    return Card(t("opportunity.title", number=o.id, title=o.title), colour, tuple(blocks), actions,
                opportunity_key(o.id))


def follow_up_card(deps: Deps, locale: str, o: Opportunity, customer: Customer) -> Card:
    card = build_opportunity_card(deps, locale, o, customer, "-", None)
    return Card(deps.t(locale, "opportunity.follow_up_title", title=o.title), "orange",
                (Markdown(deps.t(locale, "opportunity.follow_up_body", customer=customer.name)),
                 *card.blocks), card.actions, card.card_key)
