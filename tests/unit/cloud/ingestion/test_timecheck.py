"""The event-time check: the window around the cloud's clock, late rows, times UTC cannot hold, offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from cloud.config import Settings
from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Accepted, route
from cloud.ingestion.timecheck import TimeWindow, Verdict, as_utc, clock_offset_s, screen, status_time_problem
from contract.codec import encode
from contract.payloads import GatewayStatus, Prediction, PredictionBatch, Reading, TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
WINDOW = TimeWindow()
GW = "gw-7"
# The times from the issue: year 10000 once in UTC, year 0 once in UTC.
YEAR_10000 = "9999-12-31T23:59:59-01:00"
YEAR_0 = "0001-01-01T00:00:00+01:00"


def _ts(text: str) -> datetime:
    return msgspec.json.decode(f'"{text}"'.encode(), type=datetime)


def _reading(ts: datetime) -> Reading:
    return Reading(
        id=new_id(), seq=1, machine_id=new_id(), ts=ts, temperature=55.0, vibration=1.0, rpm=1500.0
    )


def _prediction(ts: datetime) -> Prediction:
    return Prediction(
        id=new_id(), seq=2, machine_id=new_id(), ts=ts, failure_prob=0.9, anomaly_score=0.9, is_anomaly=True,
        model_version="m-1",
    )  # fmt: skip


def test_times_inside_the_window_are_on_time_or_late_and_outside_it_refused() -> None:
    assert WINDOW.judge(NOW - timedelta(minutes=59), NOW) is Verdict.ON_TIME
    assert WINDOW.judge(NOW + timedelta(minutes=5), NOW) is Verdict.ON_TIME
    assert WINDOW.judge(NOW - timedelta(hours=2), NOW) is Verdict.LATE
    assert WINDOW.judge(NOW - timedelta(days=29), NOW) is Verdict.LATE
    assert WINDOW.judge(NOW - timedelta(days=31), NOW) is Verdict.OUTSIDE
    assert WINDOW.judge(NOW + timedelta(minutes=6), NOW) is Verdict.OUTSIDE
    assert WINDOW.judge(datetime(2100, 1, 1, tzinfo=UTC), NOW) is Verdict.OUTSIDE


def test_times_utc_cannot_represent_are_refused_without_overflow() -> None:
    for text in (YEAR_10000, YEAR_0):
        assert as_utc(_ts(text)) is None
        assert WINDOW.judge(_ts(text), NOW) is Verdict.OUTSIDE
    assert clock_offset_s(_ts(YEAR_10000), NOW) is None
    east = datetime(2026, 12, 7, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert as_utc(east) == NOW and WINDOW.judge(east, NOW) is Verdict.ON_TIME


def test_the_window_comes_from_the_settings_and_refuses_a_late_mark_beyond_the_age() -> None:
    window = TimeWindow.from_settings(
        Settings(ingest_max_age_s=7200, ingest_max_ahead_s=10, ingest_late_after_s=60)
    )
    assert window == TimeWindow(timedelta(hours=2), timedelta(seconds=10), timedelta(minutes=1))
    with pytest.raises(ValueError, match="MAINTAINX_INGEST_LATE_AFTER_S"):
        Settings(ingest_max_age_s=60, ingest_late_after_s=120)
    with pytest.raises(ValueError):
        Settings(ingest_max_ahead_s=2 * 86400)


def test_a_batch_keeps_its_good_rows_counts_late_ones_and_names_the_refused() -> None:
    good, late = _reading(NOW - timedelta(seconds=5)), _reading(NOW - timedelta(days=2))
    future, far = _reading(datetime(2100, 1, 1, tzinfo=UTC)), _reading(_ts(YEAR_10000))
    batch = TelemetryBatch(gateway_id=GW, sent_at=NOW, readings=[good, late, future, far])

    screened = screen(batch, NOW, WINDOW)

    assert isinstance(screened.body, TelemetryBatch)
    assert screened.body.readings == [good, late] and screened.late == 1
    assert screened.problem is not None
    assert screened.problem.startswith("2 of 4 readings outside the accepted event-time window")
    assert "2026-11-07T12:00:00Z .. 2026-12-07T12:05:00Z" in screened.problem
    assert f"reading {future.id} (machine {future.machine_id}, seq 1) at 2100-01-01T00:00:00+00:00" in (
        screened.problem
    )
    assert f"at {YEAR_10000}" in screened.problem


def test_a_batch_with_every_row_out_of_window_keeps_nothing() -> None:
    batch = PredictionBatch(gateway_id=GW, sent_at=NOW, predictions=[_prediction(_ts(YEAR_0))])
    screened = screen(batch, NOW, WINDOW)
    assert screened.body is None and screened.problem is not None and "1 of 1 predictions" in screened.problem


def test_without_a_window_only_unrepresentable_times_are_refused() -> None:
    old = _reading(datetime(2001, 1, 1, tzinfo=UTC))
    batch = TelemetryBatch(gateway_id=GW, sent_at=NOW, readings=[old, _reading(_ts(YEAR_10000))])
    screened = screen(batch, NOW, None)
    assert isinstance(screened.body, TelemetryBatch) and screened.body.readings == [old]
    assert screened.problem is not None and "years 1 to 9999 in UTC" in screened.problem


def test_a_status_from_the_future_or_beyond_utc_is_refused_and_an_old_one_taken() -> None:
    def status(ts: datetime) -> GatewayStatus:
        return GatewayStatus(gateway_id=GW, online=True, ts=ts)

    assert status_time_problem(status(NOW - timedelta(days=3)), NOW, WINDOW) is None
    # A last will stamped when its gateway connected, months ago, is still true.
    assert status_time_problem(status(NOW - timedelta(days=90)), NOW, WINDOW) is None
    problem = status_time_problem(status(datetime(2100, 1, 1, tzinfo=UTC)), NOW, WINDOW)
    assert problem is not None and "ahead of the accepted window" in problem and "2100-01-01" in problem
    problem = status_time_problem(status(_ts(YEAR_10000)), NOW, None)
    assert problem is not None and "not representable in UTC" in problem


def test_route_dead_letters_out_of_window_rows_beside_the_rows_it_keeps_and_measures_the_clock() -> None:
    good, bad = _reading(NOW - timedelta(minutes=10, seconds=1)), _reading(datetime(2100, 1, 1, tzinfo=UTC))
    payload = encode(TelemetryBatch(gateway_id=GW, sent_at=NOW - timedelta(minutes=10), readings=[good, bad]))
    message = Inbound(gateway_topic(GW, Kind.TELEMETRY), payload, 1, 1, 1)

    routed = route(message, WINDOW, NOW)

    assert isinstance(routed, Accepted) and routed.rows == 1
    assert routed.clock_offset_s == -600.0
    assert isinstance(routed.out_of_window, Rejected)
    assert routed.out_of_window.reason == Reason.OUT_OF_WINDOW and str(bad.id) in routed.out_of_window.detail


def test_route_refuses_a_status_dated_year_10000() -> None:
    payload = encode(GatewayStatus(gateway_id=GW, online=True, ts=_ts(YEAR_10000)))
    routed = route(Inbound(gateway_topic(GW, Kind.STATUS), payload, 1, 1, 1), WINDOW, NOW)
    assert isinstance(routed, Rejected) and routed.reason == Reason.OUT_OF_WINDOW
