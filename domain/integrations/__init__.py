"""Integrations (issue 20): the tokens ERP, OA and finance systems call the open API with."""
