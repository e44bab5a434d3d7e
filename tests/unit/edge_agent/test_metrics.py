"""The optional metrics endpoint speaks the Prometheus text format and refuses what it does not serve."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from edge_agent.metrics import CONTENT_TYPE, MetricsError, MetricsServer, Sample, render

pytestmark = pytest.mark.unit


def test_render_writes_help_and_type_once_per_metric_and_escapes_labels() -> None:
    text = render(
        [
            Sample("outbox_depth", "gauge", "Records waiting.", {"stream": "readings"}, 12),
            Sample("outbox_depth", "gauge", "Records waiting.", {"stream": "predictions"}, 3),
            Sample("model_info", "gauge", "The model.", {"version": 'v"1'}, 1),
            Sample("ticks_total", "counter", "Rounds.", {}, 1e6),
        ]
    )
    assert text.splitlines() == [
        "# HELP maintainx_agent_outbox_depth Records waiting.",
        "# TYPE maintainx_agent_outbox_depth gauge",
        'maintainx_agent_outbox_depth{stream="readings"} 12',
        'maintainx_agent_outbox_depth{stream="predictions"} 3',
        "# HELP maintainx_agent_model_info The model.",
        "# TYPE maintainx_agent_model_info gauge",
        'maintainx_agent_model_info{version="v\\"1"} 1',
        "# HELP maintainx_agent_ticks_total Rounds.",
        "# TYPE maintainx_agent_ticks_total counter",
        "maintainx_agent_ticks_total 1e+06",
    ]


def test_server_serves_fresh_values_on_metrics_and_404_elsewhere() -> None:
    count = iter(range(100))
    server = MetricsServer("127.0.0.1", 0, lambda: [Sample("ticks_total", "counter", "R.", {}, next(count))])
    server.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
            assert response.headers["Content-Type"] == CONTENT_TYPE
            assert response.read().decode().endswith("maintainx_agent_ticks_total 0\n")
        with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
            assert response.read().decode().endswith("maintainx_agent_ticks_total 1\n")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url + "/", timeout=5)
        assert info.value.code == 404
        info.value.close()
    finally:
        server.stop()


def test_a_port_in_use_is_refused_with_a_message_naming_it() -> None:
    first = MetricsServer("127.0.0.1", 0, list)
    try:
        with pytest.raises(MetricsError, match=f"127.0.0.1:{first.port}"):
            MetricsServer("127.0.0.1", first.port, list)
    finally:
        first.stop()
