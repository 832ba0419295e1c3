"""Territories are public reference data: no predicate restricts them."""
