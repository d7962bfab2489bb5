"""The KIS sandbox: the REST application factory and the runnable :class:`KisSandbox`.

Request pipeline of every ``/uapi`` call: required headers → app key and secret of this
environment (``EGW02004`` otherwise) → the per-key rate limit (``EGW00201``) → the token
(``EGW00121`` / ``EGW00123``) → the tr_id for the path and environment → the inputs → the
handler. Any failure answers KIS's envelope; nothing is changed before all checks pass.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from yeouido.brokers.kis.protocol import (
    APPROVAL_PATH,
    BAD_REQUEST_BODY,
    ENDPOINTS_BY_PATH,
    HASHKEY_PATH,
    INVALID_INPUT,
    MISSING_HEADER,
    NOT_MOCK_TR,
    RATE_LIMITED,
    RATE_LIMITS,
    REVOKE_PATH,
    SANDBOX_CLOCK_PATH,
    TOKEN_PATH,
    UNKNOWN_TR,
    Endpoint,
    mock_tr_id,
)
from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions
from yeouido.model.errors import YeouidoError
from yeouido.net.listen import check_free, listen
from yeouido.sandbox.kis.account import KisAccount
from yeouido.sandbox.kis.auth import Authority, hashkey
from yeouido.sandbox.kis.charts import CHART_HANDLERS
from yeouido.sandbox.kis.config import KisCredentials, SandboxConfig
from yeouido.sandbox.kis.context import Call, Handler
from yeouido.sandbox.kis.envelope import (
    AuthFailure,
    KisFailure,
    failure_response,
    json_response,
)
from yeouido.sandbox.kis.info import HANDLERS as INFO_HANDLERS
from yeouido.sandbox.kis.quotations import HANDLERS as QUOTATION_HANDLERS
from yeouido.sandbox.kis.ratelimit import SlidingWindowLimiter
from yeouido.sandbox.kis.reservations import HANDLERS as RESERVATION_HANDLERS
from yeouido.sandbox.kis.trading import HANDLERS as TRADING_HANDLERS
from yeouido.sandbox.kis.trading import rejection
from yeouido.sandbox.kis.websocket import WebsocketHub

log = logging.getLogger(__name__)
HANDLERS: dict[str, Handler] = {
    **QUOTATION_HANDLERS,
    **CHART_HANDLERS,
    **INFO_HANDLERS,
    **TRADING_HANDLERS,
    **RESERVATION_HANDLERS,
}


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the sandbox received it (before any check): method, path and tr_id."""

    method: str
    path: str
    tr_id: str

    @property
    def endpoint(self) -> str:
        """The endpoint's name (``order-cash``, ``inquire-price`` ...): the path's last part."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]


REQUEST_LOG_SIZE = 100_000
"""How many requests the sandbox's log keeps (the oldest are dropped)."""


class SandboxState:
    """What the REST app serves: the environment, keys, accounts and limits, and the log of
    every request received (:attr:`requests`)."""

    def __init__(self, config: SandboxConfig, accounts: dict[str, KisAccount]) -> None:
        self.requests: deque[LoggedRequest] = deque(maxlen=REQUEST_LOG_SIZE)
        self.config = config
        self.env = config.env
        self.accounts = accounts
        self.authority = Authority(
            config.env, config.credentials, config.clock, config.token_lifetime
        )
        limit = config.rate_limit or RATE_LIMITS[config.env]
        self.limiter = SlidingWindowLimiter(limit, config.clock)
        self.market_now: Callable[[], datetime] | None = None
        """The simulated market's time (set by :class:`KisSandbox` once its markets exist)."""


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise KisFailure(BAD_REQUEST_BODY) from None
    if not isinstance(body, dict):
        raise KisFailure(BAD_REQUEST_BODY)
    return body


def create_app(state: SandboxState) -> web.Application:
    """The REST application of a sandbox state (auth, hashkey and every endpoint)."""
    app = web.Application()

    async def token(request: web.Request) -> web.Response:
        try:
            body = await _json_object(request)
            if body.get("grant_type") != "client_credentials":
                raise AuthFailure("EGW00205", "grant_type이 유효하지 않습니다.", 403)
            credentials = state.authority.credentials(
                _text(body.get("appkey")), _text(body.get("appsecret")), auth_shape=True
            )
            issued = state.authority.issue(credentials)
        except KisFailure as failure:
            return failure_response(_as_auth(failure))
        remaining = max(0, int(issued.expires_at - state.config.clock()))
        return json_response(
            {
                "access_token": issued.token,
                "access_token_token_expired": issued.expiry_text(),
                "token_type": "Bearer",
                "expires_in": remaining,
            }
        )

    async def revoke(request: web.Request) -> web.Response:
        try:
            body = await _json_object(request)
            credentials = state.authority.credentials(
                _text(body.get("appkey")), _text(body.get("appsecret")), auth_shape=True
            )
            revoked = state.authority.revoke(credentials, _text(body.get("token")))
        except KisFailure as failure:
            return failure_response(_as_auth(failure))
        if not revoked:
            return failure_response(AuthFailure("EGW00121", "유효하지 않은 token 입니다.", 403))
        return json_response({"code": 200, "message": "접근토큰 폐기에 성공하였습니다"})

    async def approval(request: web.Request) -> web.Response:
        try:
            body = await _json_object(request)
            if body.get("grant_type") != "client_credentials":
                raise AuthFailure("EGW00205", "grant_type이 유효하지 않습니다.", 403)
            credentials = state.authority.credentials(
                _text(body.get("appkey")), _text(body.get("secretkey")), auth_shape=True
            )
        except KisFailure as failure:
            return failure_response(_as_auth(failure))
        return json_response({"approval_key": state.authority.approve(credentials)})

    async def hash_route(request: web.Request) -> web.Response:
        try:
            credentials = state.authority.credentials(
                request.headers.get("appkey"), request.headers.get("appsecret"), auth_shape=False
            )
            if not state.limiter.allow(credentials.app_key):
                raise KisFailure(RATE_LIMITED)
            raw = await request.read()
            body = await _json_object(request)
        except KisFailure as failure:
            return failure_response(failure)
        return json_response({"JsonBody": body, "HASH": hashkey(raw)})

    async def clock(request: web.Request) -> web.Response:
        if state.market_now is None:
            raise web.HTTPNotFound()
        return json_response({"now": state.market_now().isoformat(), "speed": state.config.speed})

    async def uapi(request: web.Request) -> web.StreamResponse:
        tr_id = request.headers.get("tr_id", "").strip()
        state.requests.append(LoggedRequest(request.method, request.path, tr_id))
        try:
            return await _dispatch(state, request, tr_id)
        except KisFailure as failure:
            return failure_response(failure, tr_id)
        except Exception:
            log.exception("kis sandbox: %s %s failed", request.method, request.path)
            return failure_response(KisFailure("OPSP0007", "내부 오류가 발생했습니다.", 500), tr_id)

    app.add_routes(
        [
            web.post(TOKEN_PATH, token),
            web.post(REVOKE_PATH, revoke),
            web.post(APPROVAL_PATH, approval),
            web.post(HASHKEY_PATH, hash_route),
            web.get(SANDBOX_CLOCK_PATH, clock),
            web.route("*", "/{tail:.*}", uapi),
        ]
    )
    return app


def _as_auth(failure: KisFailure) -> AuthFailure:
    if isinstance(failure, AuthFailure):
        return failure
    return AuthFailure(failure.msg_cd, failure.msg1, 403)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _check_tr_id(state: SandboxState, endpoint: Endpoint, tr_id: str) -> None:
    if tr_id in endpoint.tr_ids(state.env):
        return
    if state.env == "mock":
        mocked = {mock_tr_id(t) for t in endpoint.real}
        if endpoint.real_only or tr_id in endpoint.real or tr_id in mocked:
            raise KisFailure(NOT_MOCK_TR)
    raise KisFailure(UNKNOWN_TR)


async def _dispatch(state: SandboxState, request: web.Request, tr_id: str) -> web.StreamResponse:
    endpoint = ENDPOINTS_BY_PATH.get(request.path)
    if endpoint is None:
        raise KisFailure(UNKNOWN_TR, status=404)
    for header in ("authorization", "appkey", "appsecret", "tr_id"):
        if not request.headers.get(header, "").strip():
            raise KisFailure(MISSING_HEADER, f"필수 헤더값이 누락되었습니다. ({header})")
    credentials = state.authority.credentials(
        request.headers["appkey"], request.headers["appsecret"], auth_shape=False
    )
    if not state.limiter.allow(credentials.app_key):
        raise KisFailure(RATE_LIMITED)
    state.authority.check_token(request.headers.get("authorization"), credentials)
    if request.method != endpoint.method:
        raise KisFailure(INVALID_INPUT, f"ERROR : METHOD {request.method} NOT ALLOWED", 405)
    _check_tr_id(state, endpoint, tr_id)
    inputs = await _inputs(request)
    account = state.accounts[credentials.app_key]
    call = Call(
        account,
        state.env,
        tr_id,
        request.headers.get("tr_cont", "").strip(),
        inputs,
        dict(state.config.page_sizes),
    )
    handler = HANDLERS[endpoint.name]
    try:
        answer = await handler(call)
    except YeouidoError as error:
        answer = rejection(error)
    headers = {"tr_id": tr_id}
    if answer.tr_cont:
        headers["tr_cont"] = answer.tr_cont
    gt_uid = request.headers.get("gt_uid")
    if gt_uid:
        headers["gt_uid"] = gt_uid
    return json_response(answer.body, answer.status, headers)


async def _inputs(request: web.Request) -> dict[str, str]:
    if request.method == "GET":
        return {key: value for key, value in request.query.items()}
    body = await _json_object(request)
    inputs: dict[str, str] = {}
    for key, value in body.items():
        if not isinstance(value, str):
            raise KisFailure(INVALID_INPUT, f"ERROR : INPUT INVALID_CHECK {key}")
        inputs[key] = value
    return inputs


Hook = Callable[[], Awaitable[None]]


class KisSandbox:
    """A KIS REST and websocket server on loopback, backed by one paper back office per
    account of the server's environment.

    ``port`` / ``ws_port`` 0 pick free ports (tests). Use ``async with KisSandbox(config)``
    or :meth:`start` / :meth:`stop`.
    """

    def __init__(self, config: SandboxConfig, root: Path | None = None) -> None:
        for port, what, option in (
            (config.port, "KIS sandbox REST", "--port"),
            (config.ws_port, "KIS sandbox websocket", "--ws-port"),
        ):  # a taken port fails here, before any market is built or file written
            check_free(config.host, port, what=what, option=option)
        self.config = config.with_demo_credentials()
        self._own_root = root is None
        self.root = root or Path(tempfile.mkdtemp(prefix="yeouido-kis-sandbox-"))
        self.accounts: dict[str, KisAccount] = {}
        for index, credentials in enumerate(self.config.own_credentials()):
            options = PaperOptions.create(
                cash=self.config.cash,
                speed=self.config.speed,
                seed=self.config.seed,
                codes=self.config.codes,
                market_data=self.config.data_dir,
                day=self.config.day,
                start=self.config.start,
                reset=True,
            )
            office = PaperBackOffice(
                self.root / f"account-{index}", credentials.cano + credentials.acnt_prdt_cd, options
            )
            self.accounts[credentials.app_key] = KisAccount(credentials, office, self.config.seed)
        self.state = SandboxState(self.config, self.accounts)
        if self.accounts:
            market = next(iter(self.accounts.values())).office.market
            self.state.market_now = lambda: market.now
        self.hub = WebsocketHub(
            self.config.env, self.state.authority, self.accounts, self.config.ping_interval
        )
        self.app = create_app(self.state)
        self._runners: list[web.AppRunner] = []
        self._stopped = False
        self.port = self.config.port
        self.ws_port = self.config.ws_port

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on both ports and start the markets moving. A taken port raises
        :class:`~yeouido.model.errors.PortInUse` naming it; everything is stopped (and the
        temporary directory removed) then."""
        host = self.config.host
        listeners = (
            (self.app, "port", "KIS sandbox REST", "--port"),
            (self.hub.app, "ws_port", "KIS sandbox websocket", "--ws-port"),
        )
        try:
            for app, attribute, what, option in listeners:
                runner, bound = await listen(
                    app, host, getattr(self, attribute), what=what, option=option
                )
                self._runners.append(runner)
                setattr(self, attribute, bound)
        except BaseException:
            await self.stop()
            raise
        for account in self.accounts.values():
            account.office.market.start()

    async def stop(self) -> None:
        """Close sockets, servers and back offices, and remove the temporary directory
        (safe to call twice)."""
        if self._stopped:
            return
        self._stopped = True
        try:
            await self.hub.close_all()
            for runner in reversed(self._runners):
                await runner.cleanup()
            self._runners.clear()
            for account in self.accounts.values():
                account.close()
                await account.office.close()
        finally:
            if self._own_root:
                shutil.rmtree(self.root, ignore_errors=True)

    async def __aenter__(self) -> KisSandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- what clients need -------------------------------------------------------------
    @property
    def rest_url(self) -> str:
        """``http://host:port`` of the REST server."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """``ws://host:ws_port`` of the websocket server (``/tryitout`` works too)."""
        return f"ws://{self.config.host}:{self.ws_port}"

    @property
    def credentials(self) -> KisCredentials:
        """The first credential set of the server's environment."""
        return self.config.own_credentials()[0]

    @property
    def account(self) -> KisAccount:
        """The account of :attr:`credentials`."""
        return self.accounts[self.credentials.app_key]

    # -- test hooks --------------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Every token issued so far expires now (next call: ``EGW00123``)."""
        self.state.authority.expire_tokens()

    def allow_token_reissue(self) -> None:
        """Lift the one-token-per-minute rule for the next request of every key."""
        self.state.authority.forget_issuance_times()

    def reset_rate_limits(self) -> None:
        """Forget recent calls (tests that need a clean one-second window)."""
        self.state.limiter.reset()

    def requests(self, endpoint: str | None = None) -> list[LoggedRequest]:
        """The ``/uapi`` requests received so far (of ``endpoint``, e.g. ``order-cash``)."""
        return [r for r in self.state.requests if endpoint is None or r.endpoint == endpoint]

    async def drop_websockets(self) -> None:
        """Cut every websocket connection abruptly (close code 1006 on the client)."""
        await self.hub.drop_all()
