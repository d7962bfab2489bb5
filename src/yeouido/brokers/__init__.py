"""The Broker interface, its registry, and one package per broker."""
