-- bench/api.lua is wrk's script for bench/api.sh: every request is
-- POST /v1/documents with the body in $BODY, whose placeholder @@NUMBER@@
-- becomes an invoice number of its own ($RUN, the thread and a counter), so
-- that every request renders and stores a new document. An answer counts as
-- created when it is 201 and names the PDF and HTML it stored; at the end
-- the script prints one JSON line (requests, created, errors, latencies).
--
--	BODY=body.json RUN=r1 KEY=secret wrk -t 1 -c 2 -d 10s -s bench/api.lua http://127.0.0.1:8080

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("BODY"), "rb"))
  local body = f:read("*a")
  f:close()
  before, after = body:match("^(.-)@@NUMBER@@(.*)$")
  assert(before, "BODY has no @@NUMBER@@ placeholder")
  run = os.getenv("RUN") or "run"
  headers = { ["Content-Type"] = "application/json" }
  local key = os.getenv("KEY") or ""
  if key ~= "" then
    headers["Authorization"] = "Bearer " .. key
  end
  counter, created, bad = 0, 0, 0
  first = ""
end

function request()
  counter = counter + 1
  local number = string.format("WK-%s-%d-%09d", run, tid, counter)
  return wrk.format("POST", "/v1/documents", headers, before .. number .. after)
end

function response(status, headers, body)
  if status == 201 and body:find('"pdf"', 1, true) and body:find('"html"', 1, true) then
    created = created + 1
  else
    bad = bad + 1
    if first == "" then
      first = status .. ": " .. body:sub(1, 200)
    end
  end
end

-- json quotes s as a JSON string.
local function json(s)
  return '"' .. s:gsub('[%c"\\]', function(ch)
    return string.format("\\u%04x", ch:byte())
  end) .. '"'
end

function done(summary, latency, requests)
  local c, b, first_error = 0, 0, ""
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    b = b + t:get("bad")
    if first_error == "" then
      first_error = t:get("first")
    end
  end
  local e = summary.errors
  -- wrk counts non-2xx answers under errors.status: bad already has them.
  local transport = e.connect + e.read + e.write + e.timeout
  local ms = function(us) return us / 1000 end
  io.write(string.format(
    '{"requests":%d,"created":%d,"errors":%d,"seconds":%.3f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"first_error":%s}\n',
    summary.requests, c, b + transport, summary.duration / 1e6,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    json(first_error)))
end
