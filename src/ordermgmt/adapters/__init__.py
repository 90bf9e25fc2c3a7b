"""Adapters: the outside world behind the ports. Only ``bootstrap`` wires them in."""
