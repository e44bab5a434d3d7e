"""HTTP routes of the reliability figures and the CSV exports; any signed-in user may read them, as they
may read the tickets, readings and predictions they are made of."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from cloud.api.deps import SessionDep
from cloud.kpis import service
from cloud.kpis.export import MAX_SPAN, Dataset, stream_csv
from cloud.kpis.queries import Scope
from cloud.kpis.schemas import DEFAULT_PERIOD, KpiGrouping, KpiReport
from cloud.timerange import ALLOWED, bounded_range

router = APIRouter(tags=["reliability"])

Start = Annotated[datetime | None, Query(description=f"RFC 3339, {ALLOWED}; default end - 30 days")]
End = Annotated[datetime | None, Query(description=f"RFC 3339, {ALLOWED}; default now")]
SiteFilter = Annotated[uuid.UUID | None, Query(description="only machines on this site's lines")]
LineFilter = Annotated[uuid.UUID | None, Query(description="only machines on this line")]
MachineFilter = Annotated[uuid.UUID | None, Query(description="only this machine")]


@router.get("/kpis", response_model=KpiReport)
def get_kpis(
    db_session: SessionDep,
    start: Start = None,
    end: End = None,
    group_by: KpiGrouping = KpiGrouping.MACHINE,
    site_id: SiteFilter = None,
    line_id: LineFilter = None,
    machine_id: MachineFilter = None,
) -> KpiReport:
    """Reliability figures of the tickets opened in [start, end), in total and per group."""
    scope = Scope(
        period=bounded_range(start, end, default_span=DEFAULT_PERIOD),
        grouping=group_by,
        site_id=site_id,
        line_id=line_id,
        machine_id=machine_id,
    )
    return service.report(db_session=db_session, scope=scope)


@router.get("/exports/{dataset}.csv", response_class=StreamingResponse)
def export_csv(
    dataset: Dataset,
    request: Request,
    start: Start = None,
    end: End = None,
    site_id: SiteFilter = None,
    line_id: LineFilter = None,
    machine_id: MachineFilter = None,
) -> StreamingResponse:
    """``dataset`` in [start, end) as CSV: tickets by opening time, readings and predictions by event time."""
    period = bounded_range(start, end, default_span=DEFAULT_PERIOD, max_span=MAX_SPAN[dataset])
    scope = Scope(
        period=period, grouping=KpiGrouping.MACHINE, site_id=site_id, line_id=line_id, machine_id=machine_id
    )
    sessions: sessionmaker[Session] = request.app.state.session_factory
    stamp = f"{period.start:%Y%m%dT%H%M%SZ}-{period.end:%Y%m%dT%H%M%SZ}"
    return StreamingResponse(
        stream_csv(sessions=sessions, dataset=dataset, scope=scope),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="maintainx-{dataset.value}-{stamp}.csv"'},
    )
