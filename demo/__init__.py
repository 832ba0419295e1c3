"""Demo data and the benchmark's data set: never part of the product.

The top layer (territories ← accounts ← grid ← projects ← demo): it builds its data through the
product's services and models; no product module imports it.
"""
