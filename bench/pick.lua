-- wrk script for bench/miss.sh: POST /v2/auth/check, each request carrying a token drawn from the
-- pool file (one secret a line) uniformly (DIST=uniform) or by a Zipf law over the lines (DIST=zipf,
-- exponent ZIPF_S, default 1.0: line k is drawn with weight 1/k^s, so the first lines are the hot
-- tokens). The Zipf CDF is computed once per wrk thread; each request is one binary search in it.
-- DIST=cycle walks the lines in order instead (thread t of T: lines t, t+T, …, round and round), so
-- that a run of R requests sends min(R, lines) distinct values: the flood of unknown values.
local secrets = {}
for line in io.lines(os.getenv("POOL_FILE") or "pool.txt") do
  if #line == 64 then secrets[#secrets + 1] = line end
end
local n = #secrets
local dist = os.getenv("DIST") or "uniform"
local zipf = dist == "zipf"
local cdf = {}
if zipf then
  local s = tonumber(os.getenv("ZIPF_S") or "1.0")
  local total = 0
  for k = 1, n do
    total = total + 1 / k ^ s
    cdf[k] = total
  end
  for k = 1, n do cdf[k] = cdf[k] / total end
end

local threads, next_line = tonumber(os.getenv("THREADS") or "2"), nil
local function pick()
  if dist == "cycle" then
    next_line = next_line or (id or 1)
    local line = next_line
    next_line = next_line + threads
    if next_line > n then next_line = next_line - n end
    return secrets[line]
  end
  if not zipf then return secrets[math.random(n)] end
  local u, lo, hi = math.random(), 1, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return secrets[lo]
end

local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

init = function()
  -- Each thread its own sequence.
  math.randomseed(os.time() * 1000 + (id or 0))
end

local body = os.getenv("CHECK_BODY") or "{}"
request = function()
  return wrk.format("POST", nil,
    { ["Content-Type"] = "application/json", ["X-WallarmApi-Token"] = pick() }, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d rps=%.0f p50_us=%.0f p99_us=%.0f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
