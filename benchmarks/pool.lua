-- wrk script for benchmarks/load.py: cycles through a pool of complete, pre-signed HTTP requests.
--
-- The pool file (first argument after "--") holds records "<length>\n<raw request bytes>", each
-- a whole HTTP/1.1 request (request line, headers with the signature, body) made by load.py, so
-- wrk does no formatting and no per-request work beyond a table lookup. done() prints one line
-- "WRK_RESULT {json}" that load.py reads.

local pool = {}
local next_index = 1
local threads = 0

function setup(thread)
  thread:set("offset", threads * 101)  -- threads start at different places in the pool
  threads = threads + 1
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  local position = 1
  while position <= #data do
    local newline = assert(data:find("\n", position, true), "pool file: bad record header")
    local length = assert(tonumber(data:sub(position, newline - 1)), "pool file: bad length")
    pool[#pool + 1] = data:sub(newline + 1, newline + length)
    position = newline + length + 1
  end
  assert(#pool > 0, "pool file: no requests")
  next_index = (offset or 0) % #pool + 1
end

function request()
  local raw = pool[next_index]
  next_index = next_index % #pool + 1
  return raw
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
