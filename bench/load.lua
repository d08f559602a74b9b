-- wrk script: a mixed load of public pages and signed-in residents' actions over many villages.
-- Reads bench/out/load-villages.txt (one slug per line) and bench/out/load-sessions.txt
-- ("slug<TAB>cookie" per line, from `province sessions N`). Each thread draws its own mix with a
-- fixed seed; `done` prints p50/p95/p99, requests/s and errors as one JSON line for load.sh.

local villages, sessions, writers = {}, {}, {}

local function lines(path)
  local out = {}
  local f = io.open(path, "r")
  if not f then return out end
  for l in f:lines() do if #l > 0 then out[#out + 1] = l end end
  f:close()
  return out
end

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  threads[#threads + 1] = thread
end

function init(args)
  villages = lines(os.getenv("LOAD_VILLAGES") or "bench/out/load-villages.txt")
  for _, l in ipairs(lines(os.getenv("LOAD_SESSIONS") or "bench/out/load-sessions.txt")) do
    local slug, cookie = l:match("^([^\t]+)\t(.+)$")
    if slug then sessions[#sessions + 1] = { slug = slug, cookie = cookie } end
  end
  for _, l in ipairs(lines(os.getenv("LOAD_WRITERS") or "bench/out/load-writers.txt")) do
    local slug, cookie, dusun = l:match("^([^\t]+)\t([^\t]+)\t(%d+)$")
    if slug then writers[#writers + 1] = { slug = slug, cookie = cookie, dusun = dusun } end
  end
  math.randomseed(1000 + id)
  non_2xx = 0
end

-- The mix: 70 % public pages and data, 30 % a signed-in resident (their account page, their
-- letters, the services page). LOAD_WRITES (per mille, default 10) of all requests are instead a
-- signed-in resident sending a complaint report: a write, which also empties the server's page
-- cache of public answers.
local public = {
  { 25, function(s) return "/" .. s end },
  { 12, function(s) return "/" .. s .. "/statistik" end },
  { 10, function(s) return "/" .. s .. "/berita" end },
  { 8, function(s) return "/" .. s .. "/pasar" end },
  { 8, function(s) return "/api/map/" .. s .. "/lapisan/wilayah" end },
  { 7, function(s) return "/api/v1/villages/" .. s .. "/statistics" end },
}
local resident = {
  { 12, "/akun" },
  { 10, "/layanan/permohonan" },
  { 8, "/layanan" },
}

-- What a phone's browser sends: the server compresses (or, from its page cache, has compressed)
-- every answer. LOAD_ENCODING="" measures uncompressed answers.
local encoding = os.getenv("LOAD_ENCODING") or "gzip, deflate, br"
local writes = tonumber(os.getenv("LOAD_WRITES") or "10")
-- Writes must come from the site's own pages (the server refuses cross-site posts); their short
-- answers are asked uncompressed, so that `response` can read them.
local origin = os.getenv("LOAD_ORIGIN") or "http://127.0.0.1:3300"
local report = '{"category":"Lampu jalan","body":"Lampu jalan di depan mushola padam sejak tiga hari.",'
  .. '"lat":null,"lng":null,"name":"","phone":"","area_id":'

local function pick(list, roll)
  for _, item in ipairs(list) do
    if roll <= item[1] then return item end
    roll = roll - item[1]
  end
end

function request()
  if #writers > 0 and math.random(1000) <= writes then
    local w = writers[math.random(#writers)]
    return wrk.format("POST", "/api/complaints/report", {
      ["Cookie"] = w.cookie, ["Origin"] = origin, ["Content-Type"] = "application/json",
      ["Accept"] = "application/json", ["Accept-Encoding"] = "identity",
    }, '{"slug":"' .. w.slug .. '","input":' .. report .. w.dusun .. '}}')
  end
  local roll = math.random(100)
  if roll <= 70 or #sessions == 0 then
    local slug = villages[math.random(#villages)]
    return wrk.format("GET", pick(public, math.min(roll, 70))[2](slug), { ["Accept"] = "text/html", ["Accept-Encoding"] = encoding })
  end
  local s = sessions[math.random(#sessions)]
  local item = pick(resident, roll - 70)
  return wrk.format("GET", "/" .. s.slug .. item[2],
    { ["Cookie"] = s.cookie, ["Accept"] = "text/html", ["Accept-Encoding"] = encoding })
end

-- A report the server refused (problems to fix: 422) was not written: counted as a failure.
function response(status, headers, body)
  if status >= 300 then non_2xx = non_2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non_2xx") or 0) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.1f,"p95_ms":%.1f,"p99_ms":%.1f,"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    bad, errors))
end
