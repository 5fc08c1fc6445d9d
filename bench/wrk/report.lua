-- wrk script: counts status codes per thread and prints one JSON line with the
-- latency percentiles at the end (wrk gives latencies in microseconds).
-- Usage: wrk -s report.lua [url] -- [credentials file for POST /login]
-- With a credentials file (one "Cookie header<TAB>form body" per line) every request
-- is a sign-in: POST /login with its own pre-fetched session cookie and CSRF token.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_number", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  credentials = nil
  if args[1] then
    credentials = {}
    for line in io.lines(args[1]) do
      local cookie, body = line:match("^([^\t]*)\t(.*)$")
      table.insert(credentials, wrk.format("POST", "/login", {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }, body))
    end
    -- each thread starts at another place in the list
    position = (thread_number * 37) % #credentials
  end
end

function request()
  if credentials then
    position = position % #credentials + 1
    return credentials[position]
  end
  return wrk.request()
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local codes = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for code, n in pairs(counts) do
      codes[code] = (codes[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(codes) do
    table.insert(parts, string.format('"%d": %d', code, n))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    table.concat(parts, ", ")))
end
