-- wrk script: every request carries a valid credential drawn at random from the pool file: a token
-- (a 64-character line) in X-WallarmApi-Token, or a node instance's pair ("uuid secret") in
-- X-WallarmAPI-UUID and X-WallarmAPI-Secret. Used for /v2/auth/check or /v2/node/sync and, with the
-- very same requests, for /healthz (which ignores them).
local credentials = {}
local pool = os.getenv("POOL_FILE") or "pool.txt"
for line in io.lines(pool) do
  local uuid, secret = line:match("^(%S+) (%S+)$")
  if uuid then
    credentials[#credentials + 1] = { ["X-WallarmAPI-UUID"] = uuid, ["X-WallarmAPI-Secret"] = secret }
  elseif #line == 64 then
    credentials[#credentials + 1] = { ["X-WallarmApi-Token"] = line }
  end
end
math.randomseed(os.time())

-- /v2/auth/check takes POST {} (or CHECK_BODY, e.g. {"fields":["user_id"]}); /healthz the same
-- headers as a GET (METHOD=GET).
local method = os.getenv("METHOD") or "POST"
local body = method == "POST" and (os.getenv("CHECK_BODY") or "{}") or nil

request = function()
  local headers = { ["Content-Type"] = "application/json" }
  for name, value in pairs(credentials[math.random(#credentials)]) do headers[name] = value end
  return wrk.format(method, nil, headers, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d rps=%.0f p50_us=%.0f p99_us=%.0f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
