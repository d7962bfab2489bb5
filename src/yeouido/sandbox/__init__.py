"""Loopback servers that speak a real broker's wire protocol, backed by the simulated exchange.

``yeouido.sandbox.kis`` speaks 한국투자증권 (KIS) Open API: REST and websocket.
"""
