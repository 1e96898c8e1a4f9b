-- wrk script: every request carries a valid token drawn at random from the pool file.
-- Used for /v2/auth/check and, with the very same requests, for /healthz (which ignores it).
local tokens = {}
local pool = os.getenv("POOL_FILE") or "pool.txt"
for line in io.lines(pool) do
  if #line == 64 then tokens[#tokens + 1] = line end
end
math.randomseed(os.time())

-- /v2/auth/check takes POST {}; /healthz the same headers as a GET (METHOD=GET).
local method = os.getenv("METHOD") or "POST"
local body = method == "POST" and "{}" or nil

request = function()
  local token = tokens[math.random(#tokens)]
  return wrk.format(method, nil, { ["X-WallarmApi-Token"] = token, ["Content-Type"] = "application/json" }, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d rps=%.0f p50_us=%.0f p99_us=%.0f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
