"""Contracts, payment milestones, payments, receivables and the dunning ladder. Money is
`decimal.Decimal` everywhere (two places, yuan); a float never touches an amount."""
