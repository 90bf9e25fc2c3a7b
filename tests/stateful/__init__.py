"""The order-to-cash state machine: world, model, rules by area, invariants."""
