"""Health over HTTP and MCP: /instance-health, /readyz (/healthz lives in server/http_app.py).

/instance-health answers JSON; with ``Accept: application/health+json`` it uses the IETF draft's
format (healthy/degraded/unhealthy -> pass/warn/fail). Unhealthy answers 503 either way, so a
load balancer or uptime check needs no parsing. /readyz is cheap: the database answers and its
migrations are applied. It answers without a token, so it says only pass or fail: no schema version,
no error text (that goes to the log), nothing that tells a stranger what runs here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.health.report import build_report

if TYPE_CHECKING:
    from server.app import App
    from server.mcp.surface import Surface

log = logging.getLogger(__name__)

HEALTH_JSON = "application/health+json"
IETF_STATUS = {"healthy": "pass", "degraded": "warn", "unhealthy": "fail"}
RESOURCE_URI = "health://instance"


def routes(app: App) -> list[BaseRoute]:
    async def instance_health(request: Request) -> Response:
        report = await build_report(app)
        code = 503 if report.status == "unhealthy" else 200
        if HEALTH_JSON in request.headers.get("accept", ""):
            body = {"status": IETF_STATUS[report.status], "version": report.version.skills_hash,
                    "serviceId": "pilothouse", "output": "; ".join(report.integrity.issues)[:1000],
                    "checks": {"integrity:score": [{"observedValue": report.integrity.score}],
                               "heartbeat:age": [{"observedValue": report.heartbeat.age_minutes,
                                                  "observedUnit": "min"}]},
                    "details": report.model_dump(mode="json")}
            return JSONResponse(body, status_code=code, media_type=HEALTH_JSON)
        return JSONResponse(report.model_dump(mode="json"), status_code=code)

    async def readyz(request: Request) -> Response:
        try:
            ready = await app.store.schema_version("core") > 0
        except Exception:
            log.exception("readyz: the database does not answer")
            ready = False
        return JSONResponse({"status": "pass" if ready else "fail"}, status_code=200 if ready else 503)

    return [Route("/instance-health", instance_health), Route("/readyz", readyz)]


def install_resource(surface: Surface, app: App) -> None:
    """Expose the report as the MCP resource health://instance."""
    async def read() -> str:
        return (await build_report(app)).model_dump_json(indent=2)

    surface.add_resource(RESOURCE_URI, "instance health", "The instance health report (Pattern 4), fresh.", read)
