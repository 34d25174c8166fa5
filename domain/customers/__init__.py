"""Customers (业主), their contacts, the sales funnel, and a credit rating read from how they pay."""
