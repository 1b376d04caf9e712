"""The API benchmark's pure helpers (bench/api*.py) on captured wrk output: parsing, validity, table, targets.

No wrk, no server, no timing: what the benchmark prints must follow from what wrk said.
"""

import pytest

from bench.api import connection_counts
from bench.api_cpu import CpuPerRequest
from bench.api_report import Row, median_result, table, targets
from bench.api_wrk import WRK_DIR, Load, WrkResult, parse_latency_distribution, parse_wrk_output, wrk_command

# Captured from `python -m bench.api` (bench/wrk/get.lua against /api/v1/attempts/{id}/, 8 connections).
CLEAN_RUN = """\
Running 15s test @ http://127.0.0.1:40125
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.42ms    4.11ms  61.20ms   78.01%
    Req/Sec   428.90     51.32   545.00     71.33%
  Latency Distribution
     50%    8.71ms
     75%   11.02ms
     90%   14.37ms
     99%   23.95ms
  12815 requests in 15.01s, 7.12MB read
Requests/sec:    853.78
Transfer/sec:    485.73KB
BENCH-RESULT {"requests": 12815, "duration_us": 15010022, "p50_us": 8712, "p90_us": 14371, "p99_us": 23950, \
"max_us": 61204, "non_2xx": 0, "connect_errors": 0, "read_errors": 0, "write_errors": 0, "timeouts": 0, \
"first_non_2xx": ""}
"""

# Captured while the POST script lost the Authorization header: every answer a 401.
UNAUTHORISED_RUN = """\
Running 3s test @ http://127.0.0.1:40125
  2 threads and 8 connections
  Latency Distribution
     50%    2.84ms
     75%    3.90ms
     90%    5.12ms
     99%    8.37ms
  7827 requests in 3.01s, 3.10MB read
  Non-2xx or 3xx responses: 7827
Requests/sec:   2601.02
BENCH-RESULT {"requests": 7827, "duration_us": 3009221, "p50_us": 2840, "p90_us": 5120, "p99_us": 8370, \
"max_us": 20011, "non_2xx": 7827, "connect_errors": 0, "read_errors": 2, "write_errors": 0, "timeouts": 1, \
"first_non_2xx": "401 {\\"error\\":{\\"code\\":\\"not_authenticated\\"}}"}
"""


def _result(rate: float, p99_ms: float, non_2xx: int = 0) -> WrkResult:
    return WrkResult(round(rate * 10), 10.0, p99_ms / 2, p99_ms / 1.5, p99_ms, p99_ms * 2, non_2xx, 0)


def test_summary_line_is_parsed_into_rates_and_percentiles():
    result = parse_wrk_output(CLEAN_RUN)

    assert result.requests == 12815
    assert result.requests_per_s == pytest.approx(853.77, abs=0.01)
    assert (result.p50_ms, result.p90_ms, result.p99_ms) == (8.712, 14.371, 23.95)
    assert result.valid


def test_summary_agrees_with_wrks_own_latency_distribution():
    percentiles = parse_latency_distribution(CLEAN_RUN)

    assert percentiles == {50: 8.71, 75: 11.02, 90: 14.37, 99: 23.95}
    assert percentiles[99] == pytest.approx(parse_wrk_output(CLEAN_RUN).p99_ms, abs=0.01)


def test_a_run_with_non_2xx_answers_or_socket_errors_is_not_a_result():
    result = parse_wrk_output(UNAUTHORISED_RUN)

    assert result.non_2xx == 7827
    assert result.socket_errors == 3
    assert result.first_non_2xx.startswith('401 {"error"')
    assert not result.valid


def test_output_without_the_summary_line_is_an_error():
    with pytest.raises(ValueError, match="BENCH-RESULT"):
        parse_wrk_output("unable to connect to 127.0.0.1:40125 Connection refused\n")


def test_wrk_command_sends_the_key_and_never_uses_more_threads_than_connections():
    load = Load("http://127.0.0.1:1", "get.lua", ("/a/{id}/", "/tmp/ids"), 1, 15, authorization="Api-Key lw_x.y")

    command = wrk_command("/usr/bin/wrk", load)

    assert command[1:4] == ["-t1", "-c1", "-d15s"]
    assert command[command.index("-H") + 1] == "Authorization: Api-Key lw_x.y"
    assert command[-4:] == ["http://127.0.0.1:1", "--", "/a/{id}/", "/tmp/ids"]
    assert (WRK_DIR / "get.lua").exists()
    assert (WRK_DIR / "post_invitation.lua").exists()


def test_targets_judge_each_real_reads_p99_at_eight_connections_and_show_its_share_of_bare():
    rows = [
        Row("bare", "GET /bench/bare/", False, 8, _result(2000, 5), CpuPerRequest(0.5, 0.0, 0.1)),
        Row("bare + API key", "GET /bench/bare-key/", False, 8, _result(1200, 8)),
        Row("attempt status", "GET /api/v1/attempts/{id}/", True, 8, _result(1100, 19), CpuPerRequest(3.5, 0.4, 0.1)),
        Row("attempt result", "GET /api/v1/attempts/{id}/result/", True, 8, _result(300, 45)),
        Row("attempt result", "GET /api/v1/attempts/{id}/result/", True, 32, _result(310, 150)),
        Row("invitation create", "POST /api/v1/invitations/", False, 8, _result(200, 60, non_2xx=3)),
    ]

    lines = targets(rows, bare="bare")

    assert len(lines) == 2
    assert "p99 19.0 ms (< 20 ms): met" in lines[0] and "55% of bare" in lines[0] and "NOT met" not in lines[0]
    assert lines[0].endswith("by CPU per request 15% of bare")  # (0.5 + 0.1) / (3.5 + 0.4 + 0.1)
    assert "p99 45.0 ms (< 20 ms): NOT met" in lines[1] and "15% of bare" in lines[1] and "by CPU" not in lines[1]
    assert not any("≥" in line for line in lines)  # the share of bare is information, no longer a target
    printed = table(rows, bare="bare", bare_key="bare + API key")
    assert "  0.55   0.92" in printed.splitlines()[4]  # attempt status: x bare, x key
    assert "      3   0.10" in printed.splitlines()[7]  # invitation create: non-2xx shown


def test_rounds_combine_as_medians_and_keep_every_error():
    combined = median_result([_result(100, 10), _result(300, 30, non_2xx=1), _result(200, 20)])

    assert combined.requests_per_s == pytest.approx(200)
    assert combined.p99_ms == 20
    assert combined.non_2xx == 1
    assert not combined.valid


def test_connection_counts():
    assert connection_counts("1, 8,32") == [1, 8, 32]
    with pytest.raises(ValueError):
        connection_counts("0")
