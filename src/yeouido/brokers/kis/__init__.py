"""The KIS (한국투자증권) Open API adapter: ``yeouido.connect("kis", ...)``.

Modules: :mod:`.protocol` (the declarative wire tables), :mod:`.config` (credentials and
settings), :mod:`.errors` (msg_cd → exception), :mod:`.auth` (tokens, approval keys),
:mod:`.rest` (REST client), :mod:`.websocket` (registrations, notices, reconnects),
:mod:`.parsing` (payloads → domain model), :mod:`.execution` (the order manager's execution
client) and :mod:`.broker` (the Broker interface).
"""
