"""The paper broker: the simulated exchange with an account ledger."""
