-- wrk script of the boot-storm benchmark (SPEC OPS-7). Every request is a different node's document: request k
-- (counted across all threads) asks node k % N for path (k % N + floor(k / N)) % 5 of
--   /network-config, /meta-data, /user-data, /vendor-data, /<group>.yaml
-- so consecutive requests differ in node and path, and every (node, path) pair comes once per 5·N requests.
-- The identity is the node's HMN address in X-Forwarded-For (the server trusts loopback by default, ID-2).
--
-- Arguments (after `--`): <targets file> <threads> <start offset> <close|keepalive> <count statuses 0|1> <delay ms>
--   [group]
--   targets file: one line per node, "<ip> <group>" (bench/nodes.js targetLines)
--   close: adds `Connection: close`, so the server closes after each answer and wrk opens a new connection
--   count statuses: counts every status and 503s lacking Retry-After (slower; used by --overload)
--   delay ms: pause before each request on a connection (pacing for --overload; 0 = none)
--   group: when given, every request is the node's /<group>.yaml (the --hostile-template side storm)
-- done() prints one line `BENCH_JSON {...}` for bench/wrk.js.

local ips, groups = {}, {}
local n = 0
local k, step = 0, 1
local close = false
local pause = 0
local group_only = false
local PATHS = { "/network-config", "/meta-data", "/user-data", "/vendor-data" }

-- main state: number the threads so each one walks its own residue class of k
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

counts = {}
missing_retry_after = 0

function init(args)
  for line in io.lines(args[1]) do
    local ip, group = line:match("^(%S+) (%S+)$")
    if ip then
      n = n + 1
      ips[n] = ip
      groups[n] = group
    end
  end
  step = tonumber(args[2])
  k = tonumber(args[3]) + tid
  close = args[4] == "close"
  pause = tonumber(args[6]) or 0
  group_only = args[7] == "group"
  if args[5] == "1" then
    response = function(status, headers, _body)
      counts[status] = (counts[status] or 0) + 1
      if status == 503 and headers["Retry-After"] == nil and headers["retry-after"] == nil then
        missing_retry_after = missing_retry_after + 1
      end
    end
  end
  if pause > 0 then
    delay = function() return pause end
  end
end

function request()
  local node = k % n
  local p = (node + math.floor(k / n)) % 5
  if group_only then p = 4 end
  k = k + step
  local path
  if p == 4 then
    path = "/" .. groups[node + 1] .. ".yaml"
  else
    path = PATHS[p + 1]
  end
  local headers = { ["X-Forwarded-For"] = ips[node + 1] }
  if close then headers["Connection"] = "close" end
  return wrk.format("GET", path, headers)
end

-- --- output ---

local function encode(value)
  local t = type(value)
  if t == "table" then
    local parts = {}
    for key, v in pairs(value) do
      parts[#parts + 1] = string.format("%q:%s", tostring(key), encode(v))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif t == "number" then
    return string.format("%.17g", value)
  elseif t == "boolean" then
    return tostring(value)
  end
  return string.format("%q", tostring(value))
end

function done(summary, latency, _requests)
  local status, missing, last_k = {}, 0, 0
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    if c then
      for code, count in pairs(c) do
        status[code] = (status[code] or 0) + count
      end
    end
    missing = missing + (thread:get("missing_retry_after") or 0)
  end
  local out = {
    requests = summary.requests,
    duration_us = summary.duration,
    bytes = summary.bytes,
    errors = summary.errors,
    latency_us = {
      min = latency.min,
      mean = latency.mean,
      max = latency.max,
      stdev = latency.stdev,
      p50 = latency:percentile(50),
      p90 = latency:percentile(90),
      p99 = latency:percentile(99),
      p999 = latency:percentile(99.9),
    },
    status = status,
    missing_retry_after = missing,
  }
  io.write("BENCH_JSON " .. encode(out) .. "\n")
end
