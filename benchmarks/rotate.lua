-- wrk script of the benchmark kit (benchmarks/wrk.py): rotates through a list of requests and
-- reports the run as one JSON line, p95 included (wrk's own --latency stops at p50/75/90/99).
--
--   wrk -t 2 -c 8 -d 10s -s benchmarks/rotate.lua http://127.0.0.1:8000 -- PATHS_FILE
--
-- PATHS_FILE holds one request a line: a path, or a path, a tab and a Cookie header value
-- (a signed-in user's session). The requests are built once, in init(); each thread walks the
-- whole list in order from its own starting point, so threads do not ask for the same page
-- at the same moment.

local threads = {}
local requests = {}
local position = 1

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if line ~= "" then
      local path, cookie = line:match("^([^\t]+)\t(.+)$")
      if path then
        -- wrk.format() takes the given headers instead of wrk.headers (-H): merge them
        local headers = {}
        for name, value in pairs(wrk.headers) do
          headers[name] = value
        end
        headers["Cookie"] = cookie
        table.insert(requests, wrk.format("GET", path, headers))
      else
        table.insert(requests, wrk.format("GET", line))
      end
    end
  end
  file:close()
  if #requests == 0 then
    error("no request in " .. args[1])
  end
  -- thread_number was set by setup() before init() ran in this thread; the thread count
  -- comes as the second argument (this thread's Lua state never saw the others)
  local stride = math.max(1, math.floor(#requests / math.max(1, tonumber(args[2]) or 1)))
  position = ((thread_number or 1) - 1) * stride % #requests + 1
end

function request()
  local next_request = requests[position]
  position = position % #requests + 1
  return next_request
end

function done(summary, latency, _)
  local percentiles = {}
  for _, p in ipairs({ 50, 75, 90, 95, 99 }) do
    table.insert(percentiles, string.format('"p%d": %.0f', p, latency:percentile(p)))
  end
  local errors = summary.errors
  io.write(string.format(
    'CERTPATH_WRK {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %.0f, %s}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.max, table.concat(percentiles, ", ")
  ))
end
