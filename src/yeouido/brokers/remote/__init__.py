"""The venue service protocol: a broker's market data and account served over one websocket
(``yeouido serve BROKER``) to clients that keep the order manager and journal
(``yeouido.connect("remote", url=...)``). See ``docs/venue-protocol.md``."""
