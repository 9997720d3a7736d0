-- wrk script for bench/run.sh: adds Terrane's auth headers and prints one machine-readable
-- result line. Key and account come from the environment (never from a file in the repo).
wrk.headers["x-api-key"] = os.getenv("TERRANE_API_KEY") or ""
wrk.headers["Harness-Account"] = os.getenv("TERRANE_ACCOUNT") or "default"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%.0f,"duration_us":%.0f,"p50_us":%.0f,"p99_us":%.0f,' ..
    '"max_us":%.0f,"connect_errors":%.0f,"read_errors":%.0f,"write_errors":%.0f,' ..
    '"timeouts":%.0f,"non_2xx":%.0f}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
