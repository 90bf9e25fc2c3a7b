"""The pure domain of order-to-cash: entities, value objects, invariants, events and errors.

Standard library only: no I/O, no clock, no third-party packages.
"""
