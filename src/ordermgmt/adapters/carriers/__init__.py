"""Carrier adapters: a deterministic in-memory parcel carrier and the company's own fleet."""

from ordermgmt.adapters.carriers.memory import InMemoryCarrier
from ordermgmt.adapters.carriers.own_fleet import OwnFleetCarrier, Vehicle

__all__ = ["InMemoryCarrier", "OwnFleetCarrier", "Vehicle"]
